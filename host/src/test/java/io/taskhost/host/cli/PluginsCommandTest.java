package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.Host;
import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.QueueProbe;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PluginsCommandTest {

    @TempDir
    Path temp;

    private record Result(int code, String out, String err) {
    }

    private static Result plugins(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var commandLine = new CommandLine(new PluginsCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void showsWhatTheRunningHostMadeOfEveryJar() throws Exception {
        String queueKey = TestHosts.uniqueQueue();
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar");
        Files.writeString(plugins.resolve("half-copied.jar"), "PK");
        try (Host host = TestHosts.start(TestHosts.settings(TestRedis.shared(), queueKey, plugins, temp.resolve("c")));
             var queue = new QueueProbe(TestRedis.shared(), queueKey)) {
            Eventually.within(QueueProbe.DEADLINE, "the snapshot published",
                    () -> queue.redis().exists(queue.keys().plugins("host-" + queueKey)));

            Result text = plugins("--redis", TestRedis.shared().url(), "--queue", queueKey);
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("host host-" + queueKey), text.out());
            assertTrue(text.out().contains("active     fixtures.jar  fixtures 0.1.0-SNAPSHOT"), text.out());
            assertTrue(text.out().contains("rejected   half-copied.jar"), text.out());
            assertTrue(text.out().contains("Fixtures as Fixtures: connect, crash_once, echo"), text.out());

            Result json = plugins("--redis", TestRedis.shared().url(), "--queue", queueKey, "--json");
            JsonNode jars = new ObjectMapper().readTree(json.out()).get(0).path("jars");
            assertEquals("rejected", jars.get(1).path("status").asText());
            assertTrue(jars.get(1).path("reason").asText().contains("not a valid jar"));
        }
    }

    @Test
    void saysSoWhenNoHostIsRunning() {
        Result none = plugins("--redis", TestRedis.shared().url(), "--queue", TestHosts.uniqueQueue());
        assertEquals(1, none.code());
        assertTrue(none.err().contains("is a host running?"), none.err());
    }

    @Test
    void inspectsADirectoryWithoutAHost() {
        Path plugins = TestHosts.pluginsDirWith(temp, "fixtures.jar", "taskpro-example.jar");
        Result local = plugins("--dir", plugins.toString());
        assertEquals(0, local.code(), local.err());
        assertTrue(local.out().contains("AccountTasks as AccountTasks, TaskproModel"), local.out());
    }
}
