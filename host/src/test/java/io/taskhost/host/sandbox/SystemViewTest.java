package io.taskhost.host.sandbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What of a machine's file system a sandboxed worker sees, on a made-up machine. */
class SystemViewTest {

    @TempDir
    Path root;

    @Test
    void showsUsrTheJdkAndWhatAJvmNeedsOfEtcButNeverTheHostsConfiguration() throws Exception {
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        Files.createDirectories(root.resolve("etc/ssl"));
        Files.createDirectories(root.resolve("etc/java-17-openjdk"));
        Files.createDirectories(root.resolve("etc/taskhost"));
        Files.writeString(root.resolve("etc/taskhost/taskhost.env"), "TASKHOST_REDIS=redis://u:secret@db:6379");
        Files.writeString(root.resolve("etc/shadow"), "root:$6$...");
        Files.writeString(root.resolve("etc/resolv.conf"), "nameserver 127.0.0.53");
        Path java = Files.createDirectories(root.resolve("opt/jdk-17/bin")).resolve("java");
        Files.writeString(java, "");

        List<String> arguments = SystemView.of(root, java).arguments();

        String shown = String.join(" ", arguments);
        assertTrue(shown.contains("--symlink usr/bin /bin"), shown);
        assertTrue(shown.contains("--ro-bind " + root.resolve("usr") + " /usr"), shown);
        assertTrue(shown.contains(root.resolve("etc/ssl") + " /etc/ssl"), shown);
        assertTrue(shown.contains(root.resolve("etc/java-17-openjdk") + " /etc/java-17-openjdk"), shown);
        assertTrue(shown.contains(root.resolve("etc/resolv.conf") + " /etc/resolv.conf"), shown);
        assertTrue(shown.contains(root.resolve("opt/jdk-17").toString()), shown);
        assertFalse(shown.contains("taskhost"), shown);
        assertFalse(shown.contains("shadow"), shown);
        assertFalse(shown.contains(" /etc "), shown);
    }

    @Test
    void noWritableBindButTheWorkersOwnAndTheViewIsRemountedReadOnly() throws Exception {
        Path scratch = Files.createDirectories(root.resolve("scratch/worker-1"));
        Path jar = Files.writeString(Files.createDirectories(root.resolve("cache/jars")).resolve("abc.jar"), "PK");
        var sandbox = WorkerSandbox.bubblewrap(Path.of("/usr/bin/bwrap"), SystemView.of(Path.of("/"), Path.of(
                System.getProperty("java.home"), "bin", "java")));

        List<String> command = sandbox.commandFor(new Confined(List.of(jar), List.of(scratch), scratch, false));

        String shown = String.join(" ", command);
        assertTrue(shown.contains("--ro-bind " + jar + " " + jar), shown);
        assertTrue(shown.contains("--bind " + scratch + " " + scratch), shown);
        assertTrue(shown.contains("--unshare-net"), shown);
        assertTrue(shown.indexOf("--remount-ro /") > shown.indexOf("--bind " + scratch), shown);
        assertTrue(shown.endsWith("--chdir " + scratch + " --"), shown);
    }
}
