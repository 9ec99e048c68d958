package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.config.HostSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The HTTP endpoint needs a token off loopback; the token comes from the flag, the environment or the file, masked. */
class HttpTokenSettingsTest {

    private static final String TOKEN = "0123456789abcdef-s3cret";

    @Test
    void aHostBoundOffLoopbackWithoutATokenExitsTwoWithTheFix() {
        var err = new StringWriter();
        var commandLine = new CommandLine(new Main());
        commandLine.registerConverter(Duration.class, new DurationConverter());
        commandLine.setDefaultValueProvider(new SettingsDefaults(Map.of(), new Properties()));
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));

        int code = commandLine.execute("run", "--redis", "redis://127.0.0.1:1", "--http-port", "8080",
                "--http-bind", "0.0.0.0");

        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("http-bind 0.0.0.0 is not a loopback address"), err.toString());
        assertTrue(err.toString().contains("TASKHOST_HTTP_TOKEN"), err.toString());
        assertTrue(err.toString().contains("openssl rand -hex 32"), err.toString());
    }

    @Test
    void loopbackNeedsNoTokenAndOtherAddressesTakeOne() {
        assertNull(HostOptions.parse("--http-port", "8080").httpToken());
        assertNull(HostOptions.parse("--http-port", "8080", "--http-bind", "::1").httpToken());
        assertNull(HostOptions.parse("--http-port", "8080", "--http-bind", "localhost").httpToken());
        assertNull(HostOptions.parse("--http-bind", "0.0.0.0").httpToken(), "no endpoint, no token needed");
        assertEquals(TOKEN, HostOptions.parse("--http-port", "8080", "--http-bind", "0.0.0.0", "--http-token", TOKEN)
                .httpToken());
        var refused = assertThrows(IllegalArgumentException.class,
                () -> HostOptions.parse("--http-port", "8080", "--http-bind", "0.0.0.0", "--http-token", "short"));
        assertEquals("http-token must be at least 16 characters; make one with: openssl rand -hex 32",
                refused.getMessage());
    }

    @Test
    void theTokenComesFromTheEnvironmentOrTheConfigFileAndIsMaskedInTheEffectiveConfiguration() {
        var file = new Properties();
        file.setProperty("http-token", "from-the-file-" + TOKEN);
        file.setProperty("http-read-only", "true");
        assertEquals("from-the-file-" + TOKEN, settings(Map.of(), file).httpToken());
        assertTrue(settings(Map.of(), file).httpReadOnly());
        HostSettings fromEnvironment = settings(Map.of("TASKHOST_HTTP_TOKEN", TOKEN), file);
        assertEquals(TOKEN, fromEnvironment.httpToken());

        String shown = fromEnvironment.toString();

        assertFalse(shown.contains(TOKEN), shown);
        assertTrue(shown.contains("httpToken=***"), shown);
        assertTrue(shown.contains("httpReadOnly=true"), shown);
    }

    private static HostSettings settings(Map<String, String> environment, Properties file) {
        var options = new HostOptions();
        var commandLine = new CommandLine(CommandLine.Model.CommandSpec.create().addMixin("options",
                CommandLine.Model.CommandSpec.forAnnotatedObject(options)));
        commandLine.registerConverter(Duration.class, new DurationConverter());
        commandLine.setDefaultValueProvider(new SettingsDefaults(environment, file));
        commandLine.parseArgs("--http-port", "8080", "--http-bind", "0.0.0.0");
        return options.toSettings(Map.of());
    }
}
