package io.taskhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The distribution's {@code conf/taskhost.properties} is the reference of every setting: a new option of
 * {@code taskhost run} that it does not document fails the build.
 */
class ShippedConfigFileTest {

    private static final Path SHIPPED = Path.of("src/main/dist/conf/taskhost.properties");

    /** {@code name=value}, or {@code #name=value} for a setting left at a default computed on each machine. */
    private static final Pattern SETTING = Pattern.compile("^(#?)([a-z][a-z0-9.-]*)=(.*)$");

    /** Options that are not settings: the file cannot name itself, and help and version only print. */
    private static boolean isSetting(OptionSpec option) {
        return !option.usageHelp() && !option.versionHelp() && !option.longestName().equals("--config");
    }

    private record Line(boolean commented, String key, String value, String comment) {
    }

    /** The settings in the file, in order, each with the comment lines just above it. */
    private static Map<String, Line> settings() throws IOException {
        Map<String, Line> settings = new LinkedHashMap<>();
        List<String> comment = new ArrayList<>();
        for (String line : Files.readAllLines(SHIPPED, StandardCharsets.UTF_8)) {
            Matcher setting = SETTING.matcher(line);
            if (setting.matches()) {
                settings.put(setting.group(2), new Line(!setting.group(1).isEmpty(), setting.group(2), setting.group(3),
                        String.join("\n", comment)));
                comment.clear();
            } else if (line.startsWith("#")) {
                comment.add(line);
            } else {
                comment.clear();
            }
        }
        return settings;
    }

    private static List<OptionSpec> runOptions() {
        return new CommandLine(new RunCommand()).getCommandSpec().options().stream()
                .filter(ShippedConfigFileTest::isSetting).toList();
    }

    private static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^--", "");
    }

    @Test
    void everySettingOfRunIsInTheShippedConfigFileWithACommentAboveIt() throws IOException {
        Map<String, Line> settings = settings();
        Set<String> missing = new TreeSet<>();
        Set<String> undocumented = new TreeSet<>();
        for (OptionSpec option : runOptions()) {
            Line line = settings.get(key(option));
            if (line == null) {
                missing.add(key(option));
            } else if (line.comment().isBlank()) {
                undocumented.add(key(option));
            }
        }
        assertEquals(Set.of(), missing, "options of `taskhost run` missing from " + SHIPPED
                + ": add each as name=default, or #name=example when its default is computed or absent");
        assertEquals(Set.of(), undocumented, "settings in " + SHIPPED + " without a comment line above them");
    }

    @Test
    void theShippedConfigFileNamesNoSettingThatDoesNotExist() throws IOException {
        Set<String> known = new TreeSet<>();
        runOptions().forEach(option -> known.add(key(option)));
        Set<String> unknown = new TreeSet<>();
        for (String key : settings().keySet()) {
            if (!known.contains(key) && !key.matches("plugin\\.[^.]+\\.(task-timeout|max-attempts|worker-max-heap|worker-jvm-options"
                    + "|warm-spares|tasks-per-worker|network)")
                    && !key.matches("schedule\\.[^.]+\\.(every|cron|zone|payload|queue|catch-up)")) {
                unknown.add(key);
            }
        }
        assertEquals(Set.of(), unknown, "keys in " + SHIPPED + " that no option of `taskhost run` reads");
    }

    @Test
    void theShippedConfigFileShowsEachPerPluginSetting() throws IOException {
        Set<String> perPlugin = new TreeSet<>();
        for (String key : settings().keySet()) {
            if (key.startsWith("plugin.")) {
                perPlugin.add(key.substring(key.lastIndexOf('.') + 1));
            }
        }
        assertEquals(Set.of("task-timeout", "max-attempts", "worker-max-heap", "worker-jvm-options", "warm-spares",
                "tasks-per-worker", "network"), perPlugin);
    }

    @Test
    void theShippedConfigFileShowsEachScheduleSetting() throws IOException {
        Set<String> schedule = new TreeSet<>();
        for (String key : settings().keySet()) {
            if (key.startsWith("schedule.")) {
                schedule.add(key.substring(key.lastIndexOf('.') + 1));
            }
        }
        assertEquals(new TreeSet<>(io.taskhost.host.schedules.Schedule.SETTINGS), schedule);
    }

    @Test
    void theSettingsTheShippedConfigFileSetsAreTheDefaults() throws IOException {
        for (OptionSpec option : runOptions()) {
            Line line = settings().get(key(option));
            if (!line.commented()) {
                assertEquals(option.defaultValue(), line.value(), key(option) + " in " + SHIPPED
                        + " differs from the option's default; comment it out if the default is computed");
            }
        }
        assertEquals(withoutConfigFile(), withConfigFile(SHIPPED),
                "a host reading the shipped file runs exactly as one reading none");
    }

    @Test
    void theShippedConfigFileKeepsSecretsOut() throws IOException {
        for (Line line : settings().values()) {
            if (line.key().endsWith("password") || line.key().endsWith("token")) {
                assertTrue(line.commented() && line.value().isEmpty(), line.key() + " must stay an empty comment");
            }
        }
    }

    private static String withoutConfigFile() {
        return parsed(new SettingsDefaults(Map.of(), new Properties()));
    }

    private static String withConfigFile(Path file) {
        return parsed(SettingsDefaults.load(Map.of(), file));
    }

    /** The effective settings as the host logs them at start. */
    private static String parsed(SettingsDefaults defaults) {
        var run = new RunCommand();
        var commandLine = new CommandLine(run);
        commandLine.registerConverter(Duration.class, new DurationConverter());
        commandLine.setDefaultValueProvider(defaults);
        commandLine.parseArgs();
        return run.options.toSettings(defaults.pluginLimits()).toString();
    }
}
