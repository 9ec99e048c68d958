package io.taskhost.host.cli;

import io.taskhost.host.logging.ControlCharacters;
import io.taskhost.host.queue.QueueKeys;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A subcommand that works on one queue's keys through a {@code T} (the dead letters, the delayed
 * tasks): it connects, runs, and turns a Redis failure into a message and exit code
 * {@value ConnectionOptions#REDIS_FAILED}.
 */
abstract class QueueSubcommand<T> implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        checkUsage();
        QueueKeys keys = connection.keys();
        PrintWriter err = spec.commandLine().getErr();
        try (UnifiedJedis redis = connection.connect()) {
            return run(open(redis, keys), keys, spec.commandLine().getOut(), err);
        } catch (JedisException e) {
            return connection.redisFailed(e, err);
        } catch (RuntimeException e) {
            String problem = unreadableData(e);
            if (problem == null) {
                throw e;
            }
            err.println(ControlCharacters.escape(problem));
            return ConnectionOptions.REDIS_FAILED;
        }
    }

    /** What to tell the user of {@code e} when it says data in Redis cannot be read, else null. */
    String unreadableData(RuntimeException e) {
        return null;
    }

    /** What the subcommand works through, on {@code redis}. */
    abstract T open(UnifiedJedis redis, QueueKeys keys);

    /** Refuses option combinations picocli cannot, before anything connects. */
    void checkUsage() {
    }

    abstract int run(T subject, QueueKeys keys, PrintWriter out, PrintWriter err);

    /**
     * Whether the option was typed on this command line. A flag that deletes, re-runs or delays
     * must be, not come from an environment variable or the config file.
     */
    boolean typed(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
