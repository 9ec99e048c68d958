package io.taskhost.host.cli;

import io.taskhost.host.logging.ControlCharacters;
import io.taskhost.host.queue.PauseFlags;
import io.taskhost.host.queue.QueueKeys;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/** {@code taskhost pause} and {@code taskhost resume}: stop and restart fetching without stopping hosts. */
final class PauseCommands {

    private PauseCommands() {
    }

    abstract static class Switch implements Callable<Integer> {

        @Mixin
        ConnectionOptions connection;

        @Option(names = "--host", paramLabel = "ID", description = "Only this host; without it, every host of the queue.")
        String host;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<QueueKeys> queues = connection.queues();
            try (UnifiedJedis redis = connection.connect()) {
                for (QueueKeys queue : queues) {
                    flip(new PauseFlags(redis, queue), Optional.ofNullable(host));
                    spec.commandLine().getOut().println(ControlCharacters.escape(String.format("%s %s of queue %s",
                            done(), host == null ? "every host" : "host " + host, queue.queue())));
                }
            } catch (JedisException e) {
                return connection.redisFailed(e, spec.commandLine().getErr());
            }
            return 0;
        }

        abstract void flip(PauseFlags flags, Optional<String> host);

        abstract String done();
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Stop fetching: hosts finish what they run and take nothing new until resumed; they notice"
                    + " within about a second.",
            footerHeading = "%nExit codes:%n", footer = "  0  done%n  2  usage error%n  3  Redis unreachable or failing")
    static final class Pause extends Switch {
        @Override
        void flip(PauseFlags flags, Optional<String> host) {
            flags.pause(host);
        }

        @Override
        String done() {
            return "paused";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Start fetching again after taskhost pause. Resuming all hosts does not lift a pause of one.",
            footerHeading = "%nExit codes:%n", footer = "  0  done%n  2  usage error%n  3  Redis unreachable or failing")
    static final class Resume extends Switch {
        @Override
        void flip(PauseFlags flags, Optional<String> host) {
            flags.resume(host);
        }

        @Override
        String done() {
            return "resumed";
        }
    }
}
