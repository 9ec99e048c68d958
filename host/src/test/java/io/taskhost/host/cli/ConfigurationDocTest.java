package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.limits.RunLimits;
import io.taskhost.host.schedules.Schedule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code docs/configuration.md} is where users look a setting up: its table must list every option of
 * {@code taskhost run}, each with the variable and default the host really uses, and nothing else.
 */
class ConfigurationDocTest {

    private static final Path DOC = Path.of("../docs/configuration.md");

    /** A row of the options table: {@code | `--flag ARG` | `TASKHOST_X` | default | meaning |}. */
    private static final Pattern OPTION_ROW = Pattern.compile("^\\| `(--[a-z][a-z0-9-]*)[^|]*\\|([^|]*)\\|([^|]*)\\|([^|]*)\\|$");
    /** A row of the per-plugin table: {@code | `plugin.<id>.setting` | `example` | meaning |}. */
    private static final Pattern PLUGIN_ROW = Pattern.compile("^\\| `plugin\\.<id>\\.([a-z-]+)` \\| `([^`]*)` \\|([^|]*)\\|$");

    private static final Pattern SCHEDULE_ROW = Pattern.compile("^\\| `schedule\\.<name>\\.([a-z-]+)` \\| `([^`]*)` \\|([^|]*)\\|$");

    private record Row(String environment, String defaultValue, String meaning) {
    }

    private static List<String> lines() throws IOException {
        return Files.readAllLines(DOC, StandardCharsets.UTF_8);
    }

    /** The options the doc's table documents, by flag, in the doc's order. */
    private static Map<String, Row> documentedOptions() throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : lines()) {
            Matcher row = OPTION_ROW.matcher(line);
            if (row.matches()) {
                Row previous = rows.put(row.group(1), new Row(row.group(2).trim(), row.group(3).trim(), row.group(4).trim()));
                assertEquals(null, previous, row.group(1) + " has two rows in " + DOC);
            }
        }
        return rows;
    }

    /** Every option of {@code taskhost run} but help and version, which only print. */
    private static Map<String, OptionSpec> runOptions() {
        Map<String, OptionSpec> options = new TreeMap<>();
        for (OptionSpec option : new CommandLine(new RunCommand()).getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp()) {
                options.put(option.longestName(), option);
            }
        }
        return options;
    }

    @Test
    void everyOptionOfRunHasARowAndEveryRowIsAnOptionOfRun() throws IOException {
        Set<String> documented = new TreeSet<>(documentedOptions().keySet());
        Set<String> missing = new TreeSet<>(runOptions().keySet());
        missing.removeAll(documented);
        Set<String> unknown = new TreeSet<>(documented);
        unknown.removeAll(runOptions().keySet());
        assertEquals(Set.of(), missing, "options of `taskhost run` missing from the table in " + DOC);
        assertEquals(Set.of(), unknown, "rows in " + DOC + " that name no option of `taskhost run`");
    }

    @Test
    void eachRowNamesTheVariableTheHostReadsForItsOption() throws IOException {
        Map<String, OptionSpec> options = runOptions();
        documentedOptions().forEach((flag, row) -> {
            OptionSpec option = options.get(flag);
            if (option == null) {
                return;
            }
            String variable = row.environment().replace("`", "");
            var fromThatVariable = new SettingsDefaults(Map.of(variable, "from-the-environment"), new Properties());
            assertEquals("from-the-environment", fromThatVariable.defaultValue(option),
                    flag + " in " + DOC + ": the host does not read " + row.environment());
        });
    }

    @Test
    void eachRowShowsItsOptionsDefaultAndAMeaning() throws IOException {
        Map<String, OptionSpec> options = runOptions();
        documentedOptions().forEach((flag, row) -> {
            assertFalse(row.meaning().isEmpty(), flag + " in " + DOC + " has no meaning");
            assertFalse(row.defaultValue().isEmpty(), flag + " in " + DOC + " has no default (write none)");
            OptionSpec option = options.get(flag);
            if (option != null && option.defaultValue() != null) {
                // The user's home, as a shell writes it.
                String expected = option.defaultValue().replace(System.getProperty("user.home"), "~");
                assertTrue(row.defaultValue().contains("`" + expected + "`"),
                        flag + " in " + DOC + ": the default is `" + expected + "`, not " + row.defaultValue());
            }
        });
    }

    @Test
    void theRedisRowNamesEveryUrlFormTheHostTakes() throws IOException {
        String meaning = documentedOptions().get("--redis").meaning();
        for (String form : List.of("`redis://[user:password@]host:port[/db]`",
                "`redis-sentinel://[user:password@]host:port,host:port[/db]#mastername`",
                "`redis-cluster://[user:password@]host:port,host:port`", "`rediss://`", "`rediss-sentinel://`",
                "`rediss-cluster://`", "`embedded[:PORT]`")) {
            assertTrue(meaning.contains(form), "--redis in " + DOC + " does not name " + form + ": " + meaning);
        }
    }

    @Test
    void eachPerPluginSettingInTheDocIsReadByTheHostAndNoneIsMissing() throws IOException {
        Set<String> documented = new TreeSet<>();
        for (String line : lines()) {
            Matcher row = PLUGIN_ROW.matcher(line);
            if (row.matches()) {
                String setting = row.group(1);
                documented.add(setting);
                var file = new Properties();
                file.setProperty("plugin.mail-tasks." + setting, row.group(2));
                Map<String, RunLimits> limits = assertDoesNotThrow(
                        () -> new SettingsDefaults(Map.of(), file).pluginLimits(),
                        "plugin.<id>." + setting + " = " + row.group(2) + " in " + DOC);
                assertNotEquals(RunLimits.fromSettings("plugin.mail-tasks", Map.of()), limits.get("mail-tasks"),
                        "plugin.<id>." + setting + " in " + DOC + " changes nothing the host runs with");
            }
        }
        assertEquals(Set.of("task-timeout", "max-attempts", "worker-max-heap", "worker-jvm-options", "warm-spares",
                "tasks-per-worker", "network"), documented, "per-plugin settings in " + DOC);
    }

    @Test
    void eachScheduleSettingInTheDocIsReadByTheHostAndNoneIsMissing() throws IOException {
        Set<String> documented = new TreeSet<>();
        for (String line : lines()) {
            Matcher row = SCHEDULE_ROW.matcher(line);
            if (!row.matches()) {
                continue;
            }
            String setting = row.group(1);
            documented.add(setting);
            var file = new Properties();
            file.setProperty("schedule.digest.payload", "{\"worker\":\"send_digest\"}");
            file.setProperty("schedule.digest." + (setting.equals("every") ? "every" : "cron"), setting.equals("every")
                    ? row.group(2) : "0 7 * * *");
            file.setProperty("schedule.digest." + setting, row.group(2));
            List<Schedule> schedules = assertDoesNotThrow(() -> new SettingsDefaults(Map.of(), file).schedules(),
                    "schedule.<name>." + setting + " = " + row.group(2) + " in " + DOC);
            assertEquals(1, schedules.size(), "schedule.<name>." + setting + " in " + DOC);
        }
        assertEquals(new TreeSet<>(Schedule.SETTINGS), documented, "schedule settings in " + DOC);
    }
}
