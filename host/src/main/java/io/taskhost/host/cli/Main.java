package io.taskhost.host.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/taskhost}: the command line of taskhost, with the {@link ContributedCommand}s on the class path. */
@Command(name = "taskhost", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Runs the tasks of a Redis list, each in a fresh JVM, from hot-loaded PF4J plugin jars.",
        subcommands = {RunCommand.class, StatusCommand.class, EnqueueCommand.class, PauseCommands.Pause.class,
                PauseCommands.Resume.class, PluginsCommand.class, FailedCommand.class, DelayedCommand.class,
                SchedulesCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CommandLine commandLine = commandLine(args);
        int exitCode = commandLine.execute(args);
        // System.exit does not flush: whatever a command printed without a line break would be lost.
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        System.exit(exitCode);
    }

    static CommandLine commandLine(String[] args) {
        var commandLine = new CommandLine(new Main());
        // Before the converter and the defaults, which picocli gives only to the subcommands it has by then.
        for (ContributedCommand contributed : ServiceLoader.load(ContributedCommand.class, Main.class.getClassLoader())) {
            commandLine.addSubcommand(contributed);
        }
        commandLine.registerConverter(java.time.Duration.class, new DurationConverter());
        commandLine.setDefaultValueProvider(SettingsDefaults.load(System.getenv(), configFile(args)));
        return commandLine;
    }

    /** The config file must be known before parsing, because it supplies defaults to the parser. */
    private static Path configFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        String fromEnvironment = System.getenv("TASKHOST_CONFIG");
        if (fromEnvironment != null) {
            return Path.of(fromEnvironment);
        }
        String home = System.getProperty("taskhost.home");
        Path installed = home == null ? null : Path.of(home, "conf", "taskhost.properties");
        return installed != null && Files.isRegularFile(installed) ? installed : null;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
