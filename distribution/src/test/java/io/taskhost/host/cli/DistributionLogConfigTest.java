package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/** The distribution's conf/logback.xml and conf/logback-json.xml, loaded the way bin/taskhost loads them. */
class DistributionLogConfigTest {

    private static final Path TEXT = Path.of("src/main/dist/conf/logback.xml");
    private static final Path JSON = Path.of("src/main/dist/conf/logback-json.xml");

    @TempDir
    Path temp;

    /** A logging context of its own, so the test's log stays where it is; {@code properties} as bin/taskhost's -D. */
    private static LoggerContext configured(Path config, Map<String, String> properties) throws Exception {
        var context = new LoggerContext();
        // The host's MDC.put reaches this adapter through SLF4J; a context made by hand needs one set.
        context.setMDCAdapter(new LogbackMDCAdapter());
        properties.forEach(context::putProperty);
        var configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config.toFile());
        List<String> problems = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(status -> status.getLevel() >= Status.WARN).map(Status::toString).toList();
        // Logback prints its status on stdout when a config has warnings, which would corrupt `taskhost failed list`.
        assertEquals(List.of(), problems, config + " loads without warnings or errors");
        return context;
    }

    private static Appender<?> rootAppender(LoggerContext context) {
        var appenders = context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        Appender<?> appender = appenders.next();
        assertTrue(!appenders.hasNext(), "one appender");
        return appender;
    }

    private static void logATaskLine(LoggerContext context) {
        context.getMDCAdapter().put("taskId", "5f3c41f0");
        context.getMDCAdapter().put("plugin", "mail-tasks@1.0.0");
        try {
            context.getLogger("io.taskhost.host.tasks.TaskProcessor").info("task {} passed", "5f3c41f0");
        } finally {
            context.getMDCAdapter().clear();
        }
        context.getLogger("io.taskhost.host.Host").info("between tasks");
        context.stop();
    }

    @Test
    void bothFormatsLogToStderrByDefault() throws Exception {
        for (Path config : List.of(TEXT, JSON)) {
            LoggerContext context = configured(config, Map.of());
            Appender<?> appender = rootAppender(context);
            assertTrue(appender instanceof ConsoleAppender<?>, config + ": " + appender);
            assertEquals("System.err", ((ConsoleAppender<?>) appender).getTarget(), config.toString());
            context.stop();
        }
    }

    @Test
    void theTextLogFileCarriesTheTaskAndThePluginOnEveryLine() throws Exception {
        Path file = temp.resolve("log dir/taskhost.log");
        LoggerContext context = configured(TEXT, Map.of("taskhost.log.file", file.toString()));
        assertTrue(rootAppender(context) instanceof RollingFileAppender<?>);
        logATaskLine(context);

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("task=5f3c41f0 plugin=mail-tasks@1.0.0 task 5f3c41f0 passed"), lines.get(0));
        assertTrue(lines.get(1).contains("task=- plugin=- between tasks"), lines.get(1));
    }

    @Test
    void theJsonLogIsOneObjectPerLineWithTheTaskAndThePlugin() throws Exception {
        Path file = temp.resolve("taskhost.json.log");
        LoggerContext context = configured(JSON, Map.of("taskhost.log.file", file.toString()));
        assertTrue(rootAppender(context) instanceof RollingFileAppender<?>);
        logATaskLine(context);

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(2, lines.size(), lines.toString());
        var mapper = new ObjectMapper();
        JsonNode task = mapper.readTree(lines.get(0));
        assertEquals("INFO", task.path("level").asText());
        assertEquals("task 5f3c41f0 passed", task.path("formattedMessage").asText());
        assertEquals("5f3c41f0", task.path("mdc").path("taskId").asText());
        assertEquals("mail-tasks@1.0.0", task.path("mdc").path("plugin").asText());
        assertEquals("between tasks", mapper.readTree(lines.get(1)).path("formattedMessage").asText());
    }

    private static final String FORGED = "2020-01-01T00:00:00.000 ERROR [main] Host task=- plugin=- FORGED";
    private static final String HOSTILE_CLASS = "Fixtures\n" + FORGED + "\u001b[2J";
    private static final String HOSTILE_PLUGIN = "mail\r\n" + FORGED + "@1.0";
    private static final String HOSTILE_REASON = "bad payload near \"x\n" + FORGED + "\u001b]0;pwned\u0007\"";

    /** A task whose class, plugin label and exception all try to start a line of their own. */
    private static void logAHostileTask(LoggerContext context) {
        context.getMDCAdapter().put("taskId", "5f3c41f0");
        context.getMDCAdapter().put("plugin", HOSTILE_PLUGIN);
        try {
            var failure = new IllegalStateException(HOSTILE_REASON, new IllegalArgumentException("\u001b[31mred"));
            context.getLogger("io.taskhost.host.tasks.TaskProcessor").error("task {} of class {} failed: 任務\t失敗",
                    "5f3c41f0", HOSTILE_CLASS, failure);
        } finally {
            context.getMDCAdapter().clear();
        }
        context.getLogger("io.taskhost.host.Host").info("between tasks");
        context.stop();
    }

    private static void assertNoControlCharacterButTabAndLineBreak(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            assertTrue(Character.getType(c) != Character.CONTROL || c == '\t' || c == '\n',
                    String.format("raw U+%04X at %d in%n%s", (int) c, i, text));
        }
    }

    @Test
    void theTextLogEscapesTheControlCharactersOfMessagesTheMdcAndStackTraces() throws Exception {
        Path file = temp.resolve("taskhost.log");
        logAHostileTask(configured(TEXT, Map.of("taskhost.log.file", file.toString())));

        String log = Files.readString(file, StandardCharsets.UTF_8);
        assertNoControlCharacterButTabAndLineBreak(log);
        List<String> lines = log.lines().toList();
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("2020-01-01")), "a forged line in\n" + log);
        assertTrue(lines.get(0).endsWith(" ERROR [main] TaskProcessor task=5f3c41f0 plugin=mail\\r\\n" + FORGED
                + "@1.0 task 5f3c41f0 of class Fixtures\\n" + FORGED + "\\u001b[2J failed: 任務\t失敗"), lines.get(0));
        assertEquals("java.lang.IllegalStateException: bad payload near \"x\\n" + FORGED + "\\u001b]0;pwned\\u0007\"",
                lines.get(1));
        assertTrue(lines.get(2).startsWith("\tat io.taskhost.host.cli.DistributionLogConfigTest.logAHostileTask("),
                lines.get(2));
        assertTrue(lines.contains("Caused by: java.lang.IllegalArgumentException: \\u001b[31mred"), log);
        assertTrue(lines.get(lines.size() - 1).endsWith(" INFO  [main] Host task=- plugin=- between tasks"), log);
    }

    @Test
    void theJsonLogKeepsEachEventOnOneLineWithItsTextIntact() throws Exception {
        Path file = temp.resolve("taskhost.json.log");
        logAHostileTask(configured(JSON, Map.of("taskhost.log.file", file.toString())));

        String log = Files.readString(file, StandardCharsets.UTF_8);
        assertNoControlCharacterButTabAndLineBreak(log.replace("\t", ""));
        assertTrue(!log.contains("\t"), "a tab is escaped too: " + log);
        List<String> lines = log.lines().toList();
        assertEquals(2, lines.size(), log);
        JsonNode event = new ObjectMapper().readTree(lines.get(0));
        assertEquals("task 5f3c41f0 of class " + HOSTILE_CLASS + " failed: 任務\t失敗",
                event.path("formattedMessage").asText());
        assertEquals(HOSTILE_PLUGIN, event.path("mdc").path("plugin").asText());
        assertEquals(HOSTILE_REASON, event.path("throwable").path("message").asText());
        assertEquals("\u001b[31mred", event.path("throwable").path("cause").path("message").asText());
    }
}
