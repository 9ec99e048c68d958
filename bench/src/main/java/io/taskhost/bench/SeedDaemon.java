package io.taskhost.bench;

import io.taskhost.host.queue.QueueKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.UnifiedJedis;

/**
 * The daemon taskhost replaces, for the benchmark to measure beside it: {@code seed-daemon.php}, a
 * faithful reproduction of the seed's PHP consumer (a child forked per task, {@code rPop},
 * {@code json_decode}, {@code new $class}, {@code _task_<worker>}), run by the machine's
 * {@code php} with its redis extension, one daemon per child that runs at once.
 */
final class SeedDaemon {

    private static final String SCRIPT = "seed-daemon.php";
    private static final long RUN_LIMIT_MINUTES = 30;

    private final Path script;

    private SeedDaemon(Path script) {
        this.script = script;
    }

    /** Why the seed's daemon cannot run here, or empty when {@code php} has what it needs. */
    static Optional<String> missing() {
        try {
            Process check = new ProcessBuilder("php", "-r",
                    "exit(extension_loaded('redis') && function_exists('pcntl_fork') ? 0 : 1);")
                    .redirectErrorStream(true).start();
            check.getInputStream().transferTo(OutputStream.nullOutputStream());
            if (!check.waitFor(1, TimeUnit.MINUTES) || check.exitValue() != 0) {
                return Optional.of("php has no redis extension or no pcntl (Debian: apt-get install php-cli php-redis)");
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("no php on the PATH (Debian: apt-get install php-cli php-redis)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while checking php");
        }
    }

    /** Writes the daemon's script into {@code work}. */
    static SeedDaemon in(Path work) throws IOException {
        Path script = work.resolve(SCRIPT);
        try (InputStream source = SeedDaemon.class.getResourceAsStream(SCRIPT)) {
            if (source == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the bench's jar");
            }
            Files.copy(source, script);
        }
        return new SeedDaemon(script);
    }

    /**
     * Tasks a second of {@code children} daemons, each running one child at a time as the seed
     * does, through {@code tasks} noop tasks on the queue of the Redis on loopback {@code port}.
     */
    double tasksPerSecond(UnifiedJedis client, int port, QueueKeys keys, int children, int tasks)
            throws IOException, InterruptedException {
        NoopTasks.push(client, keys, tasks);
        long start = System.nanoTime();
        List<Process> daemons = new ArrayList<>();
        for (int i = 0; i < children; i++) {
            daemons.add(new ProcessBuilder("php", script.toString(), Integer.toString(port), keys.queue())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        for (Process daemon : daemons) {
            if (!daemon.waitFor(RUN_LIMIT_MINUTES, TimeUnit.MINUTES)) {
                daemons.forEach(Process::destroyForcibly);
                throw new IllegalStateException("the seed's daemon did not get through " + tasks + " tasks in "
                        + RUN_LIMIT_MINUTES + " minutes");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long left = client.llen(keys.queue());
        if (left != 0) {
            throw new IllegalStateException("the seed's daemons stopped with " + left + " tasks left on "
                    + keys.queue() + " (exit codes " + daemons.stream().map(Process::exitValue).toList() + ")");
        }
        return tasks / seconds;
    }
}
