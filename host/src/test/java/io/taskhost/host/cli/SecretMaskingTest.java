package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.config.HostSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** No password of the Redis URL, the truststore or the plugin keystore shows in what the commands print or log. */
class SecretMaskingTest {

    private static final String KEYSTORE_PASSWORD = "keystore-s3cret";

    @Test
    void theEffectiveConfigurationShowsNoPasswordInAnyForm() {
        for (String password : List.of("s3cret", "pa/ss", "pa%2Fss", "p@ss", "p%40ss", "p:a:ss", "p#s?s")) {
            String url = "redis://taskhost:" + password + "@cache.internal:6379/1";
            HostSettings settings = HostOptions.parse("--redis", url, "--plugin-keystore", "/etc/taskhost/plugins.p12",
                    "--plugin-keystore-password", KEYSTORE_PASSWORD);

            String shown = settings.toString();

            assertEquals(url, settings.redisUrl());
            assertFalse(shown.contains(password), shown);
            assertFalse(shown.contains(KEYSTORE_PASSWORD), shown);
            assertTrue(shown.startsWith("HostSettings[redisUrl=redis://taskhost:***@cache.internal:6379/1, redisSecurity="),
                    shown);
            assertTrue(shown.contains(", workers="), "every setting is still shown: " + shown);
        }
    }

    @Test
    void helpShowsNoPasswordOfTheEnvironmentOrTheConfigFile() {
        var file = new Properties();
        file.setProperty("redis", "redis://taskhost:file-s3cret@cache.internal:6379");
        for (Map<String, String> environment : List.of(Map.of("TASKHOST_REDIS",
                "redis://taskhost:env-s3cret%40x@cache.internal:6379"), Map.<String, String>of())) {
            var commandLine = new CommandLine(new Main());
            commandLine.registerConverter(Duration.class, new DurationConverter());
            commandLine.setDefaultValueProvider(new SettingsDefaults(environment, file));
            for (CommandLine command : commandLine.getSubcommands().values()) {
                var help = new StringWriter();
                command.usage(new PrintWriter(help));

                assertFalse(help.toString().contains("s3cret"), help.toString());
                if (command.getCommandSpec().findOption("--redis") != null) {
                    assertTrue(help.toString().contains("Default: redis://127.0.0.1:6379"), help.toString());
                }
            }
        }
    }

    @Test
    void aCommandRefusesAnUnparseableUrlWithoutItsPassword() {
        String password = "pa ss/w@rd";
        var err = new StringWriter();
        var commandLine = new CommandLine(new StatusCommand());
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));

        int code = commandLine.execute("--redis", "redis://taskhost:" + password + "@127.0.0.1:1");

        assertEquals(2, code);
        assertTrue(err.toString().contains("redis URL redis://taskhost:***@127.0.0.1:1 is not a valid URL"),
                err.toString());
        for (String part : List.of(password, "pa ss", "w@rd")) {
            assertFalse(err.toString().contains(part), err.toString());
        }
    }
}
