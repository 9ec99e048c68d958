package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command's help renders cleanly: no format warning from picocli, every description whole. */
class HelpTextTest {

    @Test
    void theHelpOfEveryCommandRendersWithoutAWarning() {
        PrintStream realErr = System.err;
        var err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            for (String[] command : new String[][] {{"run"}, {"status"}, {"enqueue"}, {"pause"}, {"resume"},
                    {"plugins"}, {"failed", "list"}, {"failed", "show"}, {"failed", "retry"}, {"failed", "purge"},
                    {"delayed", "list"}, {"delayed", "cancel"}, {"delayed", "now"}}) {
                String[] args = java.util.Arrays.copyOf(command, command.length + 1);
                args[command.length] = "--help";
                var out = new StringWriter();
                var commandLine = Main.commandLine(args);
                var writer = new PrintWriter(out, true);
                commandLine.setOut(writer);
                assertEquals(0, commandLine.execute(args), String.join(" ", command));
                writer.flush();
                assertTrue(out.toString().contains("--redis"), String.join(" ", command) + ": " + out);
            }
        } finally {
            System.setErr(realErr);
        }
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("WARN"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandsRedisOptionNamesTheThreeUrlForms() {
        var commands = new java.util.ArrayDeque<>(List.of(Main.commandLine(new String[0])));
        int withRedis = 0;
        while (!commands.isEmpty()) {
            CommandLine command = commands.pop();
            commands.addAll(command.getSubcommands().values());
            OptionSpec redis = command.getCommandSpec().findOption("--redis");
            if (redis == null) {
                continue;
            }
            withRedis++;
            String help = String.join(" ", redis.description());
            for (String form : List.of("redis://[user:password@]host:port[/db]",
                    "redis-sentinel://[user:password@]host:port,host:port[/db]#mastername",
                    "redis-cluster://[user:password@]host:port,host:port", "rediss://", "rediss-sentinel://",
                    "rediss-cluster://")) {
                assertTrue(help.contains(form), command.getCommandName() + " --redis: " + help);
            }
        }
        assertEquals(14, withRedis, "run, status, enqueue, pause, resume, plugins, schedules, failed's list, show,"
                + " retry, purge, delayed's list, cancel, now");
    }
}
