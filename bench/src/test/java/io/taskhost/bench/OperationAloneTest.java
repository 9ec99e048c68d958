package io.taskhost.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.classdata.ClassDataSharing;
import io.taskhost.host.testing.PluginJarBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's ceiling: a task's operation alone in a real JVM of its own, from a real plugin jar. */
class OperationAloneTest {

    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    static Path temp;

    private static Path plugin;

    @BeforeAll
    static void buildAPluginWhoseOperationsWriteWhatTheyAreGiven() throws Exception {
        plugin = PluginJarBuilder.plugin("alone", "1.0.0").source("com.example.alone.Alone", """
                package com.example.alone;

                import io.taskhost.api.TaskContext;
                import io.taskhost.api.TaskWorker;
                import java.io.IOException;
                import java.nio.file.Files;
                import java.nio.file.Path;
                import java.util.Map;
                import org.pf4j.Extension;

                @Extension
                public class Alone implements TaskWorker {
                    public void _task_write(Map<String, Object> params, TaskContext context) throws IOException {
                        Files.writeString(Path.of(context.worker() + ".txt"), params.toString());
                    }

                    public void _task_pair(String first, Long second) throws IOException {
                        Files.writeString(Path.of("pair.txt"), first + second);
                    }

                    public void _task_bean(Alone bean) {
                    }
                }
                """).buildInto(Files.createDirectories(temp.resolve("plugins")), "alone.jar");
    }

    private static OperationAloneStart prepared(String worker, String params, Path directory) throws Exception {
        Files.createDirectories(directory);
        return OperationAloneStart.prepare(JAVA, ClassDataSharing.featureOf(JAVA), List.of("-Xmx64m"), plugin,
                new BenchTask("Alone", worker, params), directory);
    }

    private static void run(List<String> command, Path directory) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), output);
        assertEquals(0, process.exitValue(), output);
    }

    @Test
    void anOperationThatTakesAMapGetsTheParamsOfAJsonObjectInAJvmOfItsOwnWithAnArchiveItTrained() throws Exception {
        Path directory = temp.resolve("map");
        OperationAloneStart alone = prepared("write", "{\"n\":42,\"tags\":[\"a\",true,null],\"ratio\":0.5}", directory);
        assertNull(alone.missing());
        Path written = directory.resolve("write.txt");
        assertEquals("{n=42, tags=[a, true, null], ratio=0.5}", Files.readString(written), "its training run");
        Files.delete(written);

        run(alone.command(), directory);

        assertEquals("{n=42, tags=[a, true, null], ratio=0.5}", Files.readString(written));
        assertTrue(alone.command().stream().anyMatch(option -> option.startsWith("-XX:SharedArchiveFile=")
                || option.startsWith("-XX:AOTCache=")), "the ceiling gets an archive as a worker does: "
                + alone.command());
    }

    @Test
    void anOperationThatTakesValuesGetsThoseOfAJsonArrayInOrder() throws Exception {
        Path directory = temp.resolve("pair");
        OperationAloneStart alone = prepared("pair", "[\"x\",7]", directory);

        assertNull(alone.missing());
        assertEquals("x7", Files.readString(directory.resolve("pair.txt")));
    }

    @Test
    void anOperationThatTakesABeanIsNotMeasuredAndTheBenchSaysWhy() throws Exception {
        OperationAloneStart alone = prepared("bean", "{\"n\":1}", temp.resolve("bean"));

        assertTrue(alone.command().isEmpty());
        assertTrue(alone.missing().startsWith("measured only for a public operation that takes a Map"),
                alone.missing());
    }

    @Test
    void aTaskClassThePluginLacksIsNotMeasured() throws Exception {
        Files.createDirectories(temp.resolve("none"));
        OperationAloneStart alone = OperationAloneStart.prepare(JAVA, ClassDataSharing.featureOf(JAVA), List.of(),
                plugin, new BenchTask("Nobody", "write", "{}"), temp.resolve("none"));

        assertEquals("alone.jar has no task class Nobody", alone.missing());
    }
}
