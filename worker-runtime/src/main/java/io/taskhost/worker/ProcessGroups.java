package io.taskhost.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Puts each worker JVM at the head of a process group of its own, and signals whole groups, so
 * that the processes a task starts die with its worker even once their parent has left them to
 * init. Java can do neither: util-linux {@code setsid}, exec'd by the spawned child (which leads
 * no group, so it does not fork), makes the worker a group leader, still the host's child; and
 * groups are signalled by the {@code kill} builtin of one long-lived {@code sh}, because spawning
 * {@code kill} for every worker costs the host about 2 ms of CPU, a pipe round trip 0.1 ms.
 *
 * <p>Without {@code setsid} (macOS), workers start as before, in the host's group, and only their
 * descendants can be found and killed: a process left to init escapes.
 */
public final class ProcessGroups implements AutoCloseable {

    private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));
    private static final Path SHELL = Path.of("/bin/sh");

    private final Path setsid;
    private Process shell;
    private OutputStream commands;
    private BufferedReader replies;
    private boolean closed;

    private ProcessGroups(Path setsid) {
        this.setsid = setsid;
    }

    /** Groups where this machine has {@code setsid} and {@code /bin/sh}; otherwise {@link #none()}. */
    public static ProcessGroups ofThisPlatform() {
        if (!Files.isExecutable(SHELL)) {
            return none();
        }
        return new ProcessGroups(SETSID.stream().filter(Files::isExecutable).findFirst().orElse(null));
    }

    /** No groups: workers start in the starter's group, as they did before groups. */
    public static ProcessGroups none() {
        return new ProcessGroups(null);
    }

    /** Whether workers get a group of their own. */
    public boolean available() {
        return setsid != null;
    }

    /** What goes before {@code java} on a worker's command line. */
    List<String> commandPrefix() {
        return setsid == null ? List.of() : List.of(setsid.toString());
    }

    /**
     * Sends {@code signal} ({@code KILL} or {@code TERM}) to every process of the group {@code leader}
     * leads or led; a group with no process left is no error. The kernel does not give a pid to a new
     * process while it is still the id of a group, so a group whose leader has exited is still the same
     * group. Returns once the signal is sent.
     */
    public synchronized void signal(long leader, String signal) {
        if (setsid == null || leader <= 0) {
            return;
        }
        String command = "kill -s " + signal + " -- -" + leader + " 2>/dev/null; echo\n";
        for (int tries = closed ? 2 : 0; tries < 2; tries++) {
            try {
                if (shell == null || !shell.isAlive()) {
                    startShell();
                }
                commands.write(command.getBytes(StandardCharsets.US_ASCII));
                commands.flush();
                if (replies.readLine() != null) {
                    return;
                }
            } catch (IOException e) {
                // The shell died: start another once.
            }
            stopShell();
        }
        try {
            new ProcessBuilder("kill", "-s", signal, "--", "-" + leader).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            // Neither a shell nor kill: nothing more can be done from here.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void startShell() throws IOException {
        var builder = new ProcessBuilder(SHELL.toString()).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        shell = builder.start();
        commands = shell.getOutputStream();
        replies = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII));
    }

    private void stopShell() {
        if (shell != null) {
            shell.destroyForcibly();
            shell = null;
        }
    }

    /** Ends the shell; a later {@link #signal}, as for a worker that exits after this, spawns {@code kill}. */
    @Override
    public synchronized void close() {
        closed = true;
        if (shell != null) {
            try {
                commands.close();
            } catch (IOException e) {
                shell.destroyForcibly();
            }
            shell = null;
        }
    }
}
