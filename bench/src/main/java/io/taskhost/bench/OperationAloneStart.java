package io.taskhost.bench;

import io.taskhost.host.launch.WorkerClasspath;
import io.taskhost.worker.PluginReadException;
import io.taskhost.worker.PluginReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * The command that starts {@link OperationAlone} for the bench's task with the worker JVMs' java, options
 * and class path, its own class in front, and a class-data archive of its own trained by one run of it,
 * as a worker gets one of its plugin's: the ceiling is what a JVM per task could do at best, so it gets
 * every help a worker gets.
 *
 * @param command the command, or empty when the ceiling cannot be measured for this task
 * @param missing why not, when {@code command} is empty
 */
record OperationAloneStart(List<String> command, String missing) {

    /** Builds the command in {@code directory}, where its runs must start too (the operation may write there). */
    static OperationAloneStart prepare(Path java, OptionalInt feature, List<String> jvmOptions, Path pluginJar,
                                       BenchTask task, Path directory) throws IOException, InterruptedException {
        String javaClass;
        try {
            javaClass = PluginReader.forThisRuntime().read(pluginJar, List.of()).workers().stream()
                    .filter(worker -> worker.names().contains(task.taskClass()))
                    .map(PluginReader.Worker::javaClass).findFirst().orElse(null);
        } catch (PluginReadException e) {
            return notMeasured("the plugin jar cannot be read: " + e.getMessage());
        }
        if (javaClass == null) {
            return notMeasured(pluginJar.getFileName() + " has no task class " + task.taskClass());
        }
        String classpath = jarOfOperationAlone(directory) + File.pathSeparator
                + WorkerClasspath.ofHost().with(pluginJar);
        List<String> program = List.of("-cp", classpath, OperationAlone.class.getName(), javaClass, task.worker(),
                task.paramsJson());
        int version = feature.orElse(0);
        String archiveOption;
        String trainingOption;
        if (version >= 13 && version <= 23) {
            Path archive = directory.resolve("operation-alone.jsa");
            trainingOption = "-XX:ArchiveClassesAtExit=" + archive;
            archiveOption = "-XX:SharedArchiveFile=" + archive;
        } else if (version >= 25) {
            Path archive = directory.resolve("operation-alone.aot");
            trainingOption = "-XX:AOTCacheOutput=" + archive;
            archiveOption = "-XX:AOTCache=" + archive;
        } else {
            trainingOption = null;
            archiveOption = null;
        }
        List<String> training = command(java, jvmOptions, trainingOption, program);
        Process run = new ProcessBuilder(training).directory(directory.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = run.waitFor();
        if (exit != 0) {
            return notMeasured(exit == OperationAlone.UNSUPPORTED ? output : "its run exited " + exit + ": " + output);
        }
        return new OperationAloneStart(command(java, jvmOptions, archiveOption, program), null);
    }

    boolean measurable() {
        return missing == null;
    }

    private static OperationAloneStart notMeasured(String why) {
        return new OperationAloneStart(List.of(), why);
    }

    private static List<String> command(Path java, List<String> jvmOptions, String archiveOption,
                                        List<String> program) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        if (archiveOption != null) {
            command.add(archiveOption);
        }
        command.addAll(program);
        return command;
    }

    /**
     * A jar of {@link OperationAlone} and its nest in {@code directory}: a class-data archive takes no class
     * path with a non-empty directory, which is where the bench's classes are in a build, and the bench's
     * own jar would put much more than this program on its class path.
     */
    private static Path jarOfOperationAlone(Path directory) throws IOException {
        Path jar = directory.resolve("operation-alone.jar");
        try (var out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> type : OperationAlone.class.getNestMembers()) {
                String entry = type.getName().replace('.', '/') + ".class";
                try (InputStream bytes = OperationAlone.class.getClassLoader().getResourceAsStream(entry)) {
                    if (bytes == null) {
                        throw new IOException("no " + entry + " on the bench's class path");
                    }
                    out.putNextEntry(new JarEntry(entry));
                    bytes.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }
}
