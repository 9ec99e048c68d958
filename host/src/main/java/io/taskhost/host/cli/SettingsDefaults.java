package io.taskhost.host.cli;

import io.taskhost.host.limits.RunLimits;
import io.taskhost.host.schedules.Schedule;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option not given on the command line gets its value: the environment variable
 * {@code TASKHOST_<NAME>} first, then the config file's {@code <name>} key, then the built-in
 * default. {@code --plugins-dir} is {@code TASKHOST_PLUGINS_DIR} and {@code plugins-dir}.
 */
final class SettingsDefaults implements CommandLine.IDefaultValueProvider {

    private static final String PLUGIN_PREFIX = "plugin.";
    private static final Set<String> PLUGIN_SETTINGS = Set.of("task-timeout", "max-attempts", "worker-max-heap",
            "worker-jvm-options", "warm-spares", "tasks-per-worker", "network");

    private final Map<String, String> environment;
    private final Properties file;

    SettingsDefaults(Map<String, String> environment, Properties file) {
        this.environment = environment;
        this.file = file;
    }

    static SettingsDefaults load(Map<String, String> environment, Path configFile) {
        var properties = new Properties();
        if (configFile != null) {
            try (Reader reader = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read config file " + configFile, e);
            }
        }
        return new SettingsDefaults(environment, properties);
    }

    static String environmentName(String settingName) {
        return "TASKHOST_" + settingName.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * The config file's per-plugin overrides: {@code plugin.<id>.task-timeout},
     * {@code plugin.<id>.max-attempts} and {@code plugin.<id>.worker-max-heap}.
     *
     * @throws IllegalArgumentException naming the bad key
     */
    Map<String, RunLimits> pluginLimits() {
        Map<String, Map<String, String>> byPlugin = new TreeMap<>();
        for (String key : file.stringPropertyNames()) {
            if (!key.startsWith(PLUGIN_PREFIX)) {
                continue;
            }
            int dot = key.lastIndexOf('.');
            if (dot <= PLUGIN_PREFIX.length()) {
                throw new IllegalArgumentException(key + ": expected plugin.<plugin id>.<setting>");
            }
            String setting = key.substring(dot + 1);
            if (!PLUGIN_SETTINGS.contains(setting)) {
                throw new IllegalArgumentException(key + ": a plugin's settings are " + PLUGIN_SETTINGS);
            }
            byPlugin.computeIfAbsent(key.substring(PLUGIN_PREFIX.length(), dot), id -> new TreeMap<>())
                    .put(setting, file.getProperty(key));
        }
        Map<String, RunLimits> limits = new TreeMap<>();
        byPlugin.forEach((id, settings) -> limits.put(id, RunLimits.fromSettings(PLUGIN_PREFIX + id, settings)));
        return limits;
    }

    /**
     * The config file's recurring tasks, from its {@code schedule.<name>.<setting>} keys, each checked.
     *
     * @throws IllegalArgumentException naming the bad key
     */
    List<Schedule> schedules() {
        Map<String, Map<String, String>> byName = new TreeMap<>();
        for (String key : file.stringPropertyNames()) {
            if (!key.startsWith(Schedule.PREFIX)) {
                continue;
            }
            int dot = key.lastIndexOf('.');
            if (dot <= Schedule.PREFIX.length()) {
                throw new IllegalArgumentException(key + ": expected schedule.<name>.<setting>, a setting of "
                        + new TreeSet<>(Schedule.SETTINGS));
            }
            byName.computeIfAbsent(key.substring(Schedule.PREFIX.length(), dot), name -> new TreeMap<>())
                    .put(key.substring(dot + 1), file.getProperty(key));
        }
        List<Schedule> schedules = new ArrayList<>();
        byName.forEach((name, settings) -> schedules.add(Schedule.configured(name, settings)));
        return schedules;
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option)) {
            return null;
        }
        String name = option.longestName().replaceFirst("^-+", "");
        String fromEnvironment = environment.get(environmentName(name));
        return fromEnvironment != null ? fromEnvironment : file.getProperty(name);
    }
}
