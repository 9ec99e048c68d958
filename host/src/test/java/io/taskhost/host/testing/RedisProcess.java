package io.taskhost.host.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.SafeEncoder;

/**
 * One redis-server (or sentinel) of a test bed, which dies with this JVM however the JVM ends:
 * a small shell starts it and waits on its own standard input, a pipe from this JVM, and
 * SIGKILLs the server when the pipe closes, which the kernel does when the JVM exits, even by
 * SIGKILL. A shutdown hook would not run then, and redis-server has no parent-death option.
 */
final class RedisProcess implements AutoCloseable {

    /**
     * {@code $1} is the log, the rest the server's command line. The watcher is a subshell of its
     * own so that the outer shell can reap the server the moment it dies, and exit: this JVM
     * sees the server's death as the shell's.
     */
    private static final String WATCHED = String.join("\n",
            "log=$1; shift",
            "exec 3<&0",
            "\"$@\" </dev/null >>\"$log\" 2>&1 3<&- &",
            "server=$!",
            "(read -r _; kill -KILL \"$server\" 2>/dev/null) <&3 &",
            "watcher=$!",
            "exec 3<&-",
            "echo \"$server\"",
            "wait \"$server\"",
            "status=$?",
            "kill \"$watcher\" 2>/dev/null",
            "exit \"$status\"");

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private final HostAndPort address;
    private final List<String> command;
    private final Path log;
    private Process shell;
    private long serverPid;
    /** Empty when the server died before we looked: the shell's exit says so too. */
    private Optional<ProcessHandle> server;
    private boolean frozen;

    private RedisProcess(HostAndPort address, List<String> command, Path log) {
        this.address = address;
        this.command = List.copyOf(command);
        this.log = log;
    }

    /** Starts {@code command} (a redis-server command line) that will listen on {@code address}; does not wait for it. */
    static RedisProcess start(HostAndPort address, List<String> command, Path log) {
        var process = new RedisProcess(address, command, log);
        process.launch();
        return process;
    }

    /** A connection to it for probes, with short timeouts so that a frozen server fails a probe quickly. */
    static Jedis probe(HostAndPort address) {
        int millis = (int) PROBE_TIMEOUT.toMillis();
        return new Jedis(address, DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis).socketTimeoutMillis(millis).autoNegotiateProtocol(false).build());
    }

    HostAndPort address() {
        return address;
    }

    synchronized long pid() {
        return serverPid;
    }

    synchronized boolean isRunning() {
        return shell.isAlive();
    }

    /** Running, not frozen: a server that can answer. */
    synchronized boolean isAnswerable() {
        return shell.isAlive() && !frozen;
    }

    /** Whether it answers PING now. */
    boolean answers() {
        try (Jedis jedis = probe(address)) {
            return "PONG".equals(jedis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether {@code node} answers ROLE as a master now. */
    static boolean isMaster(HostAndPort node) {
        try (Jedis jedis = probe(node)) {
            Object role = jedis.role().get(0);
            return "master".equals(role instanceof byte[] bytes ? SafeEncoder.encode(bytes) : String.valueOf(role));
        } catch (RuntimeException e) {
            return false;
        }
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** The start again, on the same port with the same command line, of a server that was killed. */
    synchronized void restart() {
        if (shell.isAlive()) {
            throw new IllegalStateException(address + " still runs");
        }
        closeQuietly(shell);
        launch();
    }

    /** SIGKILL, and wait until it is gone: no shutdown, no goodbye to its clients or peers. */
    synchronized void kill9() {
        server.ifPresent(ProcessHandle::destroyForcibly);
        awaitShellExit();
        frozen = false;
    }

    /** SIGSTOP: the server keeps its sockets open but answers nothing until {@link #thaw()}. */
    synchronized void freeze() {
        signal("STOP");
        Eventually.within(STOP_WAIT, address + " stopped by SIGSTOP", () -> stopped(true));
        frozen = true;
    }

    /** SIGCONT. */
    synchronized void thaw() {
        signal("CONT");
        Eventually.within(STOP_WAIT, address + " running again after SIGCONT", () -> stopped(false));
        frozen = false;
    }

    /** Closing the watcher's pipe: the watcher SIGKILLs the server, as if this JVM had ended. */
    @Override
    public synchronized void close() {
        if (shell == null) {
            return;
        }
        closeQuietly(shell);
        if (!waitForShell()) {
            server.ifPresent(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
            waitForShell();
        }
    }

    private void launch() {
        List<String> shellCommand = new ArrayList<>(List.of("/bin/sh", "-c", WATCHED, "sh", log.toString()));
        shellCommand.addAll(command);
        try {
            shell = new ProcessBuilder(shellCommand)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            var firstLine = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII));
            String pid = firstLine.readLine();
            if (pid == null) {
                throw new IllegalStateException("the shell that starts " + command + " said nothing; log:\n" + log());
            }
            serverPid = Long.parseLong(pid.trim());
            server = ProcessHandle.of(serverPid);
            frozen = false;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    private static void closeQuietly(Process shell) {
        try {
            shell.getOutputStream().close();
        } catch (IOException alreadyClosed) {
            // The pipe is closed either way, which is all the watcher waits for.
        }
    }

    private void awaitShellExit() {
        if (!waitForShell()) {
            throw new IllegalStateException(address + " (pid " + serverPid + ") did not die of SIGKILL within " + STOP_WAIT);
        }
    }

    private boolean waitForShell() {
        try {
            return shell.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + serverPid)
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + serverPid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal, e);
        }
    }

    /** The state letter of /proc/PID/stat: {@code T} is stopped by a signal. */
    private boolean stopped(boolean expected) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(serverPid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return (state == 'T') == expected;
        } catch (IOException e) {
            throw new IllegalStateException(address + " is gone", e);
        }
    }

    @Override
    public String toString() {
        return address + " (pid " + (server == null ? "?" : Long.toString(serverPid)) + ")";
    }
}
