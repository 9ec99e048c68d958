package io.taskhost.host.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Where an option not given on the command line gets its value: the environment variable
 * {@code TASKHOST_<NAME>} first, then the config file's {@code <name>} key, then the built-in
 * default. {@code --plugins-dir} is {@code TASKHOST_PLUGINS_DIR} and {@code plugins-dir}.
 */
final class SettingsDefaults implements CommandLine.IDefaultValueProvider {

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
