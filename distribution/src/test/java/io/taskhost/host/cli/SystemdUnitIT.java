package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged systemd unit, checked by {@code systemd-analyze verify}. The check runs on a copy whose
 * ExecStart points into the unpacked distribution, because verify requires the binary to exist.
 */
class SystemdUnitIT {

    private static final Path DISTRIBUTION = Path.of(System.getProperty("taskhost.test.distribution",
            "target/taskhost")).toAbsolutePath();
    private static final String INSTALLED_HOME = "/opt/taskhost/";

    private static Path systemdAnalyze;

    @TempDir
    Path temp;

    private record Verdict(int exitCode, String output) {
        /** verify exits 0 on unknown keys and bad values too, so its messages about the unit count as well. */
        boolean findsFault() {
            return exitCode != 0 || output.lines().anyMatch(line -> line.contains("taskhost.service"));
        }
    }

    @BeforeAll
    static void findSystemdAnalyze() throws Exception {
        systemdAnalyze = onPath("systemd-analyze");
        if (systemdAnalyze == null && new UnixSystem().getUid() == 0 && onPath("apt-get") != null) {
            // CI runs as root on Debian; .ci/run installs systemd first, this covers a plain `mvn verify`.
            run(List.of("apt-get", "update", "-qq"));
            run(List.of("apt-get", "install", "-y", "-qq", "systemd"));
            systemdAnalyze = onPath("systemd-analyze");
        }
    }

    /** Per test rather than in {@code @BeforeAll}, so that the reports count the tests as skipped, with the reason. */
    @BeforeEach
    void requireSystemdAnalyze() {
        Assumptions.assumeTrue(systemdAnalyze != null, "systemd-analyze is not installed and could not be"
                + " (that needs root and apt-get): install systemd to check the unit");
    }

    private Verdict verify(String unitText) throws Exception {
        Path unit = temp.resolve("taskhost.service");
        Files.writeString(unit, unitText.replace(INSTALLED_HOME, DISTRIBUTION + "/"), StandardCharsets.UTF_8);
        return run(List.of(systemdAnalyze.toString(), "verify", unit.toString()));
    }

    private static String packagedUnit() throws IOException {
        return Files.readString(DISTRIBUTION.resolve("systemd/taskhost.service"), StandardCharsets.UTF_8);
    }

    @Test
    void systemdAcceptsThePackagedUnit() throws Exception {
        String unit = packagedUnit();
        assertTrue(unit.contains("ExecStart=" + INSTALLED_HOME + "bin/taskhost run"), unit);
        Verdict verdict = verify(unit);
        assertFalse(verdict.findsFault(), "systemd-analyze verify exited " + verdict.exitCode() + ":\n"
                + verdict.output());
    }

    @Test
    void aFaultInTheUnitWouldBeCaught() throws Exception {
        String broken = packagedUnit().replace("KillMode=mixed", "KillMode=gently");
        Verdict verdict = verify(broken);
        assertTrue(verdict.findsFault(), "a bad KillMode passed unnoticed: " + verdict.output());
    }

    private static Verdict run(List<String> command) throws IOException, InterruptedException {
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), command + " did not finish");
        return new Verdict(process.exitValue(), output);
    }

    private static Path onPath(String command) {
        String path = System.getenv("PATH");
        for (String directory : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(directory, command);
            if (!directory.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
