package io.taskhost.host.cli;

import io.taskhost.host.failures.DeadLetter;
import io.taskhost.host.failures.DeadLetters;
import io.taskhost.host.failures.UnreadableDeadLetterException;
import io.taskhost.host.logging.ControlCharacters;
import io.taskhost.host.queue.QueueKeys;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import redis.clients.jedis.UnifiedJedis;

/** {@code taskhost failed}: list, show, retry and purge the dead letters of a queue. */
@Command(name = "failed", mixinStandardHelpOptions = true,
        description = "List, show, retry and purge the dead letters: tasks that failed, with their original payloads.",
        subcommands = {FailedCommand.ListCommand.class, FailedCommand.ShowCommand.class,
                FailedCommand.RetryCommand.class, FailedCommand.PurgeCommand.class},
        footerHeading = FailedCommand.EXIT_CODES_HEADING, footer = FailedCommand.EXIT_CODES)
final class FailedCommand implements Runnable {

    static final int OK = 0;
    static final int NOT_FOUND = 1;
    static final int REDIS_FAILED = ConnectionOptions.REDIS_FAILED;

    static final String EXIT_CODES_HEADING = "%nExit codes:%n";
    static final String EXIT_CODES = "  0  done%n"
            + "  1  no dead letter with that id%n"
            + "  2  usage error, or purge without --yes%n"
            + "  3  Redis unreachable or failing, or a record in it is not JSON";

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: list, show, retry or purge");
    }

    /** A subcommand on the dead letters; a record in Redis that is not JSON is exit code 3 too. */
    abstract static class DeadLetterCommand extends QueueSubcommand<DeadLetters> {

        @Override
        DeadLetters open(UnifiedJedis redis, QueueKeys keys) {
            return new DeadLetters(redis, keys);
        }

        @Override
        String unreadableData(RuntimeException e) {
            return e instanceof UnreadableDeadLetterException ? e.getMessage() : null;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "One line per dead letter, newest first: id, finish time (UTC), class and worker, cause, reason.",
            footerHeading = EXIT_CODES_HEADING, footer = EXIT_CODES)
    static final class ListCommand extends DeadLetterCommand {

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
                description = "Show the newest N. Default: ${DEFAULT-VALUE}")
        int limit;

        @Option(names = "--json", description = "Print a JSON array of the outcome records instead, as stored.")
        boolean json;

        @Override
        void checkUsage() {
            if (limit < 1) {
                throw usage("--limit must be at least 1, not " + limit);
            }
        }

        @Override
        int run(DeadLetters deadLetters, QueueKeys keys, PrintWriter out, PrintWriter err) {
            List<DeadLetter> letters = deadLetters.newest(limit);
            if (json) {
                out.println(DeadLetterText.json(letters));
            } else if (letters.isEmpty()) {
                err.println("No dead letters in " + keys.dead() + ".");
            } else {
                letters.forEach(letter -> out.println(DeadLetterText.line(letter)));
            }
            return OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One dead letter: its outcome record, stack trace and original payload.",
            footerHeading = EXIT_CODES_HEADING, footer = EXIT_CODES)
    static final class ShowCommand extends DeadLetterCommand {

        @Parameters(paramLabel = "ID", description = "The dead letter's id, as failed list prints it.")
        String id;

        @Option(names = "--json", description = "Print {\"record\": ..., \"payload\": the payload as text (null when it"
                + " is not UTF-8), \"payloadBase64\": its bytes} instead.")
        boolean json;

        @Override
        int run(DeadLetters deadLetters, QueueKeys keys, PrintWriter out, PrintWriter err) {
            Optional<DeadLetter> letter = deadLetters.find(id);
            if (letter.isEmpty()) {
                err.println(ControlCharacters.escape("No dead letter " + id + " in " + keys.deadRecords() + "."));
                return NOT_FOUND;
            }
            // println, which flushes: a print without a line break stayed in the writer's buffer at exit.
            out.println(json ? DeadLetterText.json(letter.get()) : DeadLetterText.details(letter.get()));
            return OK;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = {"Push a dead letter's original payload back onto the queue, as a producer would, and remove"
                    + " the dead letter, in one step.", "With --all, every dead letter, oldest first."},
            footerHeading = EXIT_CODES_HEADING, footer = EXIT_CODES)
    static final class RetryCommand extends DeadLetterCommand {

        @Parameters(paramLabel = "ID", arity = "0..1", description = "The dead letter's id, as failed list prints it.")
        String id;

        @Option(names = "--all", description = "Retry every dead letter instead, oldest first.")
        boolean all;

        @Override
        void checkUsage() {
            if (typed("--all") == (id != null)) {
                throw usage("name one dead letter by its ID, or give --all");
            }
        }

        @Override
        int run(DeadLetters deadLetters, QueueKeys keys, PrintWriter out, PrintWriter err) {
            if (id == null) {
                int retried = deadLetters.retryAll();
                out.println("Pushed " + retried + " dead letter(s) back onto " + keys.queue() + ", oldest first.");
                return OK;
            }
            Optional<byte[]> payload = deadLetters.retry(id);
            if (payload.isEmpty()) {
                err.println(ControlCharacters.escape("No dead letter " + id + " in " + keys.deadPayloads()
                        + "; nothing pushed."));
                return NOT_FOUND;
            }
            out.println(ControlCharacters.escape("Pushed the original payload of " + id + " (" + payload.get().length
                    + " bytes) back onto " + keys.queue() + "; the dead letter is gone."));
            return OK;
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Delete every dead letter of the queue, records and payloads, for good.",
            footerHeading = EXIT_CODES_HEADING, footer = EXIT_CODES)
    static final class PurgeCommand extends DeadLetterCommand {

        @Option(names = "--yes", description = "Confirm the purge; it must be typed on the command line.")
        boolean yes;

        @Override
        void checkUsage() {
            if (!typed("--yes")) {
                throw usage("purge deletes every dead letter of " + connection.queue + " for good; add --yes to confirm");
            }
        }

        @Override
        int run(DeadLetters deadLetters, QueueKeys keys, PrintWriter out, PrintWriter err) {
            long purged = deadLetters.purge();
            out.println("Deleted " + purged + " dead letter(s): " + keys.dead() + ", " + keys.deadRecords() + " and "
                    + keys.deadPayloads() + ".");
            return OK;
        }
    }
}
