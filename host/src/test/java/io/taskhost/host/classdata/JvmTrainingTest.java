package io.taskhost.host.classdata;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.taskhost.host.sandbox.WorkerIsolation;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What a training run could not rehearse is said in the host's log, since its archive then lacks it. */
class JvmTrainingTest {

    private static final Path HOST_JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

    @TempDir
    Path temp;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger trainingLogger = (Logger) LoggerFactory.getLogger(JvmTraining.class);

    @BeforeEach
    void captureTheLog() {
        log.start();
        trainingLogger.addAppender(log);
    }

    @AfterEach
    void releaseTheLog() {
        trainingLogger.detachAppender(log);
    }

    @Test
    void aWarmUpThatCouldNotWriteAFileIsReportedWithTheArchiveAndThePluginJar() throws Exception {
        Path workDir = Files.createDirectories(temp.resolve("work"));
        Path pluginJar = NoopWorker.fixturesJarIn(temp.resolve("jars"));
        var worker = new NoopWorker(HOST_JAVA, workDir, pluginJar);
        var runner = new JvmRunner(workDir, Duration.ofMinutes(1), WorkerIsolation.none());
        var jdk = new JdkProbe(runner).probe(HOST_JAVA);
        List<String> options = new ArrayList<>(NoopWorker.jvmOptions());
        options.add("-Djava.io.tmpdir=" + temp.resolve("no-such-directory"));
        Path archive = Files.createDirectories(temp.resolve("archives")).resolve("fixtures.jsa");

        new JvmTraining(runner).train(jdk, options,
                worker.jars().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)), archive);

        assertTrue(log.list.stream().anyMatch(event -> event.getLevel() == Level.WARN
                && event.getFormattedMessage().contains("fixtures.jsa")
                && event.getFormattedMessage().contains(pluginJar.getFileName().toString())
                && event.getFormattedMessage().contains("could not write a temporary file")),
                () -> log.list.toString());
    }
}
