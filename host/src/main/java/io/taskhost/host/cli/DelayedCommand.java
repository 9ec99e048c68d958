package io.taskhost.host.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhost.host.delayed.DelayedTasks;
import io.taskhost.host.delayed.DelayedTasks.DelayedTask;
import io.taskhost.host.logging.ControlCharacters;
import io.taskhost.host.queue.QueueKeys;
import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import redis.clients.jedis.UnifiedJedis;

/** {@code taskhost delayed}: list, cancel, and run now the tasks producers delayed. */
@Command(name = "delayed", mixinStandardHelpOptions = true,
        description = {"List, cancel, or push onto the queue now the delayed tasks: the members of {queue}:delayed,"
                + " which the hosts push onto the queue when they fall due.",
                "A delayed task's ID is the first 12 hex digits of the SHA-256 of its payload's bytes, as delayed list"
                        + " prints it: it stays the same for as long as the task waits."},
        subcommands = {DelayedCommand.ListCommand.class, DelayedCommand.CancelCommand.class,
                DelayedCommand.NowCommand.class},
        footerHeading = DelayedCommand.EXIT_CODES_HEADING, footer = DelayedCommand.EXIT_CODES)
final class DelayedCommand implements Runnable {

    static final int OK = 0;
    static final int NOT_FOUND = 1;
    static final int REDIS_FAILED = ConnectionOptions.REDIS_FAILED;

    static final String EXIT_CODES_HEADING = "%nExit codes:%n";
    static final String EXIT_CODES = "  0  done%n"
            + "  1  no delayed task with that id (cancelled, or pushed onto the queue, meanwhile)%n"
            + "  2  usage error%n"
            + "  3  Redis unreachable or failing";

    /** How much of a payload a line of delayed list shows. */
    static final int PAYLOAD_WIDTH = 200;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: list, cancel or now");
    }

    /** A subcommand on the delayed tasks. */
    abstract static class DelayedTaskCommand extends QueueSubcommand<DelayedTasks> {

        @Override
        DelayedTasks open(UnifiedJedis redis, QueueKeys keys) {
            return new DelayedTasks(redis, keys);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "One line per delayed task, earliest due first: id, due time (UTC), payload (control"
                    + " characters escaped, cut to " + PAYLOAD_WIDTH + " characters).",
            footerHeading = EXIT_CODES_HEADING, footer = EXIT_CODES)
    static final class ListCommand extends DelayedTaskCommand {

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
                description = "Show the N due first. Default: ${DEFAULT-VALUE}")
        int limit;

        @Option(names = "--json", description = "Print a JSON array instead: {\"id\", \"due\": ISO-8601,"
                + " \"dueEpochSeconds\": the score, \"payload\": the payload as text, \"payloadBase64\": its bytes}.")
        boolean json;

        @Override
        void checkUsage() {
            if (limit < 1) {
                throw new ParameterException(spec.commandLine(), "--limit must be at least 1, not " + limit);
            }
        }

        @Override
        int run(DelayedTasks delayed, QueueKeys keys, PrintWriter out, PrintWriter err) {
            List<DelayedTask> tasks = delayed.earliest(limit);
            if (json) {
                ArrayNode array = JsonNodeFactory.instance.arrayNode();
                tasks.forEach(task -> array.add(json(task)));
                out.println(PrintableJson.of(array));
            } else if (tasks.isEmpty()) {
                err.println(ControlCharacters.escape("No delayed tasks in " + keys.delayed() + "."));
            } else {
                tasks.forEach(task -> out.println(line(task)));
            }
            return OK;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Remove a delayed task for good: it never runs.",
            footerHeading = EXIT_CODES_HEADING, footer = EXIT_CODES)
    static final class CancelCommand extends DelayedTaskCommand {

        @Parameters(paramLabel = "ID", description = "The delayed task's id, as delayed list prints it.")
        String id;

        @Override
        int run(DelayedTasks delayed, QueueKeys keys, PrintWriter out, PrintWriter err) {
            Optional<DelayedTask> cancelled = delayed.cancel(id);
            if (cancelled.isEmpty()) {
                err.println(ControlCharacters.escape("No delayed task " + id + " in " + keys.delayed()
                        + "; nothing cancelled."));
                return NOT_FOUND;
            }
            out.println(ControlCharacters.escape("Cancelled " + line(cancelled.get())));
            return OK;
        }
    }

    @Command(name = "now", mixinStandardHelpOptions = true,
            description = "Push a delayed task onto the queue now, as its producer would (LPUSH), and remove it from"
                    + " the delayed tasks, in one step.",
            footerHeading = EXIT_CODES_HEADING, footer = EXIT_CODES)
    static final class NowCommand extends DelayedTaskCommand {

        @Parameters(paramLabel = "ID", description = "The delayed task's id, as delayed list prints it.")
        String id;

        @Override
        int run(DelayedTasks delayed, QueueKeys keys, PrintWriter out, PrintWriter err) {
            Optional<DelayedTask> pushed = delayed.pushNow(id);
            if (pushed.isEmpty()) {
                err.println(ControlCharacters.escape("No delayed task " + id + " in " + keys.delayed()
                        + "; nothing pushed."));
                return NOT_FOUND;
            }
            out.println(ControlCharacters.escape("Pushed onto " + keys.queue() + " now: " + line(pushed.get())));
            return OK;
        }
    }

    /** {@code id  due  payload}, the payload escaped and cut to one short line. */
    static String line(DelayedTask task) {
        String payload = task.payloadText();
        String shown = payload.length() <= PAYLOAD_WIDTH ? payload
                : payload.substring(0, PAYLOAD_WIDTH) + "... (" + task.payload().length + " bytes)";
        return ControlCharacters.escape(String.join("  ", task.id(), due(task), shown));
    }

    private static String due(DelayedTask task) {
        if (Double.isInfinite(task.due())) {
            return task.due() > 0 ? "never" : "at once";
        }
        return task.dueInstant().truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static ObjectNode json(DelayedTask task) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("id", task.id());
        node.put("due", due(task));
        if (Double.isInfinite(task.due())) {
            node.putNull("dueEpochSeconds");
        } else {
            node.put("dueEpochSeconds", task.due());
        }
        node.put("payload", task.payloadText());
        node.put("payloadBase64", Base64.getEncoder().encodeToString(task.payload()));
        return node;
    }
}
