package io.taskhost.host.classdata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.taskhost.host.launch.WorkerRun;
import io.taskhost.host.sandbox.SandboxMode;
import io.taskhost.host.sandbox.SandboxProbe;
import io.taskhost.host.sandbox.WorkerIsolation;
import io.taskhost.host.sandbox.WorkerLimits;
import io.taskhost.host.sandbox.WorkerSandbox;
import io.taskhost.host.testing.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Worker JVMs get a verified archive once it is built, and run without one whenever there is none. */
class ClassDataSharingTest {

    private static final Path HOST_JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    @TempDir
    Path temp;

    private Path cacheDir;
    private Path workDir;
    private Path pluginJar;
    private ClassDataSharing classData;

    @BeforeEach
    void directories() throws IOException {
        cacheDir = temp.resolve("cache");
        workDir = Files.createDirectories(temp.resolve("work"));
        pluginJar = NoopWorker.fixturesJarIn(temp.resolve("jars"));
    }

    @AfterEach
    void stopBuilding() throws InterruptedException {
        if (classData != null) {
            classData.close();
        }
    }

    private NoopWorker worker(Path java) {
        NoopWorker worker = new NoopWorker(java, workDir, pluginJar);
        assumeTrue(worker.jars().stream().allMatch(Files::isRegularFile),
                "archives refuse directories on the classpath, and this run's classpath has some: " + worker.jars());
        return worker;
    }

    private static void assertPassed(WorkerRun run) {
        assertTrue(run.report() != null && run.report().passed(), "noop did not pass: exit " + run.exitCode()
                + ", output " + run.outputTail());
    }

    @Test
    void theFixturesClasspathGetsAVerifiedAppCdsArchiveThatTheNoopTaskRunsWith() throws Exception {
        NoopWorker worker = worker(HOST_JAVA);
        classData = ClassDataSharing.forWorkers(HOST_JAVA, cacheDir, workDir, WorkerIsolation.none());
        assertEquals(List.of(), classData.optionsFor(worker.jars(), NoopWorker.jvmOptions()),
                "the first launch must not wait for an archive");

        Eventually.within(NoopWorker.ARCHIVE_DEADLINE, "the archive is built with no further launch",
                () -> classData.status().ready() == 1);
        List<String> options = classData.optionsFor(worker.jars(), NoopWorker.jvmOptions());

        assertEquals(1, options.size(), options.toString());
        assertTrue(options.get(0).startsWith("-XX:SharedArchiveFile="), options.toString());
        Path archive = NoopWorker.archivePath(options);
        assertEquals(cacheDir.resolve("class-data"), archive.getParent());
        assertTrue(archive.getFileName().toString().endsWith(".jsa"), archive.toString());
        assertEquals(new ClassDataStatus(true, 1, 0, 0), classData.status());
        assertEquals(OptionalInt.of(Runtime.version().feature()), classData.workerFeature(),
                "the worker JDK's version, for the launcher's options that depend on it");
        assertPassed(worker.run(classData));
        try (var files = Files.list(archive.getParent())) {
            assertEquals(List.of(archive), files.toList(), "no temporary file is left behind");
        }
    }

    /** The training and verification runs load the plugin's classes, so they run sandboxed, as workers do. */
    @Test
    void anArchiveTrainedInTheSandboxIsBuiltVerifiedAndLeavesNothingBehind() throws Exception {
        NoopWorker worker = worker(HOST_JAVA);
        WorkerSandbox sandbox = SandboxProbe.ofThisMachine().choose(SandboxMode.REQUIRED, HOST_JAVA);
        classData = ClassDataSharing.forWorkers(HOST_JAVA, cacheDir, workDir,
                new WorkerIsolation(sandbox, WorkerLimits.detect(512), "512m"));

        Path archive = NoopWorker.archivePath(worker.awaitArchiveOptions(classData));

        assertEquals(new ClassDataStatus(true, 1, 0, 0), classData.status());
        assertPassed(worker.run(classData));
        try (var files = Files.list(archive.getParent())) {
            assertEquals(List.of(archive), files.toList(), "no build directory is left behind");
        }
    }

    @Test
    void aJarWithOtherContentAtTheSamePathGetsAnotherArchive() throws Exception {
        NoopWorker worker = worker(HOST_JAVA);
        classData = ClassDataSharing.forWorkers(HOST_JAVA, cacheDir, workDir, WorkerIsolation.none());
        Path first = NoopWorker.archivePath(worker.awaitArchiveOptions(classData));

        Files.copy(Path.of(System.getProperty("taskhost.test.plugins-dir", "../plugins-dir"), "taskpro-example.jar"),
                pluginJar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path second = NoopWorker.archivePath(Eventually.value(NoopWorker.ARCHIVE_DEADLINE,
                "an archive for the replaced jar", () -> {
                    List<String> options = classData.optionsFor(worker.jars(), NoopWorker.jvmOptions());
                    return options.isEmpty() || NoopWorker.archivePath(options).equals(first) ? null : options;
                }));

        assertNotEquals(first, second);
        assertTrue(Files.isRegularFile(first) && Files.isRegularFile(second));
    }

    @Test
    void anArchiveThatFailsVerificationIsNeverUsedNorRebuiltAndTheTaskStillRuns() throws Exception {
        NoopWorker worker = worker(HOST_JAVA);
        classData = sharingWhoseTrainingEndsWith(ClassDataSharingTest::overwriteStart);

        Eventually.within(NoopWorker.ARCHIVE_DEADLINE, "the corrupt archive is found unusable", () -> {
            assertEquals(List.of(), classData.optionsFor(worker.jars(), NoopWorker.jvmOptions()));
            return classData.status().unusable() == 1;
        });

        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(), classData.optionsFor(worker.jars(), NoopWorker.jvmOptions()));
        }
        assertEquals(new ClassDataStatus(true, 0, 0, 1), classData.status(), "an unusable archive is not rebuilt");
        try (var files = Files.list(cacheDir.resolve("class-data"))) {
            assertEquals(List.of(), files.toList(), "the unusable archive is deleted");
        }
        assertPassed(worker.run(classData));
    }

    @Test
    void anArchiveIsReportedUnusableOnlyOnceWhatItsBuildLeftIsGone() throws Exception {
        NoopWorker worker = worker(HOST_JAVA);
        // The adversary: a training JVM that leaves many files beside its archive, which take a while to delete.
        classData = sharingWhoseTrainingEndsWith(archive -> {
            for (int i = 0; i < 5_000; i++) {
                Files.createFile(archive.resolveSibling("left-" + i));
            }
            overwriteStart(archive);
        });

        Eventually.within(NoopWorker.ARCHIVE_DEADLINE, "the corrupt archive is found unusable", () -> {
            classData.optionsFor(worker.jars(), NoopWorker.jvmOptions());
            return classData.status().unusable() == 1;
        });

        try (var files = Files.list(cacheDir.resolve("class-data"))) {
            assertEquals(List.of(), files.toList(), "the build's directory is deleted before the archive is reported");
        }
    }

    @Test
    void aVerifiedArchiveDeletedLaterIsDroppedAndTheTaskStillRuns() throws Exception {
        NoopWorker worker = worker(HOST_JAVA);
        classData = ClassDataSharing.forWorkers(HOST_JAVA, cacheDir, workDir, WorkerIsolation.none());
        Path archive = NoopWorker.archivePath(worker.awaitArchiveOptions(classData));

        Files.delete(archive);
        assertEquals(List.of(), classData.optionsFor(worker.jars(), NoopWorker.jvmOptions()),
                "a deleted archive is dropped from the ready ones");
        assertPassed(worker.run(classData));
    }

    @Test
    void aVerifiedArchiveThatChangesIsNotUsedAndIsBuiltAgain() throws Exception {
        NoopWorker worker = worker(HOST_JAVA);
        classData = ClassDataSharing.forWorkers(HOST_JAVA, cacheDir, workDir, WorkerIsolation.none());
        Path archive = NoopWorker.archivePath(worker.awaitArchiveOptions(classData));

        overwriteStart(archive);

        assertEquals(List.of(), classData.optionsFor(worker.jars(), NoopWorker.jvmOptions()),
                "a changed archive must not be handed to a worker");
        assertPassed(worker.run(classData));
        assertEquals(archive, NoopWorker.archivePath(worker.awaitArchiveOptions(classData)), "it is built again");
        assertFalse(startsWithPlantedBytes(archive));
    }

    @Test
    void anArchiveLeftByAnEarlierRunIsBuiltAgainBeforeAWorkerUsesIt() throws Exception {
        NoopWorker worker = worker(HOST_JAVA);
        classData = ClassDataSharing.forWorkers(HOST_JAVA, cacheDir, workDir, WorkerIsolation.none());
        Path archive = NoopWorker.archivePath(worker.awaitArchiveOptions(classData));
        classData.close();
        overwriteStart(archive);

        classData = ClassDataSharing.forWorkers(HOST_JAVA, cacheDir, workDir, WorkerIsolation.none());
        List<String> options = worker.awaitArchiveOptions(classData);

        assertEquals(archive, NoopWorker.archivePath(options));
        assertFalse(startsWithPlantedBytes(archive), "the archive left on disk was used as it was");
        assertPassed(worker.run(classData));
    }

    @Test
    void onTemurin25AnAotCacheIsBuiltAndTheNoopTaskRunsWithIt() throws Exception {
        assumeTrue(Files.isExecutable(TEMURIN_25), TEMURIN_25 + " is not installed");
        NoopWorker worker = worker(TEMURIN_25);
        classData = ClassDataSharing.forWorkers(TEMURIN_25, cacheDir, workDir, WorkerIsolation.none());

        List<String> options = worker.awaitArchiveOptions(classData);

        assertEquals(1, options.size(), options.toString());
        assertTrue(options.get(0).startsWith("-XX:AOTCache="), options.toString());
        assertTrue(NoopWorker.archivePath(options).getFileName().toString().matches("jdk25-[0-9a-f]{64}\\.aot"),
                options.toString());
        assertEquals(OptionalInt.of(25), classData.workerFeature());
        assertPassed(worker.run(classData));
    }

    @Test
    void aJdkOlderThan13GetsNoArchive() throws Exception {
        Path oldJava = fakeJava("1.8", "1.8.0_402-b06");
        NoopWorker worker = worker(oldJava);
        var runner = new JvmRunner(workDir, Duration.ofMinutes(1), WorkerIsolation.none());
        var probe = new JdkProbe(runner);
        classData = new ClassDataSharing(true, oldJava, new ArchiveNames(cacheDir.resolve("class-data")), probe,
                new JarDigests(), new JvmTraining(runner), new ArchiveVerification(runner),
                ClassDataSharing.builderThread());

        assertEquals(List.of(), classData.optionsFor(worker.jars(), NoopWorker.jvmOptions()));
        Eventually.within(Duration.ofSeconds(30), "the old JDK is probed", () -> probe.known(oldJava).isPresent());

        assertEquals(8, probe.known(oldJava).get().feature());
        assertEquals(List.of(), classData.optionsFor(worker.jars(), NoopWorker.jvmOptions()));
        assertEquals(new ClassDataStatus(true, 0, 0, 0), classData.status());
    }

    @Test
    void aJavaThatCannotTellItsVersionGetsNoArchive() throws Exception {
        Path broken = Files.writeString(temp.resolve("broken-java"), "#!/bin/sh\necho 'no such JVM' >&2\nexit 1\n");
        assertTrue(broken.toFile().setExecutable(true));
        var probe = new JdkProbe(new JvmRunner(workDir, Duration.ofMinutes(1), WorkerIsolation.none()));

        WorkerJdk jdk = probe.probe(broken);

        assertEquals(ArchiveFormat.NONE, jdk.format());
    }

    @Test
    void theWorkerJdksVersionIsKnownSoonAfterTheStartWithNoLaunch() {
        classData = ClassDataSharing.forWorkers(HOST_JAVA, cacheDir, workDir, WorkerIsolation.none());

        Eventually.within(NoopWorker.ARCHIVE_DEADLINE, "the worker JDK's version is probed",
                () -> classData.workerFeature().isPresent());
        assertEquals(OptionalInt.of(Runtime.version().feature()), classData.workerFeature());
        assertEquals(new ClassDataStatus(true, 0, 0, 0), classData.status(), "probing builds nothing");
    }

    @Test
    void sharingOffGivesNoOptionsAndBuildsNothing() throws Exception {
        NoopWorker worker = worker(HOST_JAVA);
        classData = ClassDataSharing.off();

        assertEquals(List.of(), classData.optionsFor(worker.jars(), NoopWorker.jvmOptions()));
        assertEquals(new ClassDataStatus(false, 0, 0, 0), classData.status());
        assertEquals(OptionalInt.empty(), classData.workerFeature());
        assertPassed(worker.run(classData));
    }

    private Path fakeJava(String specificationVersion, String build) throws IOException {
        Path java = Files.writeString(temp.resolve("java-" + specificationVersion), "#!/bin/sh\n"
                + "echo 'Property settings:' >&2\n"
                + "echo '    java.specification.version = " + specificationVersion + "' >&2\n"
                + "echo '    java.runtime.version = " + build + "' >&2\n");
        assertTrue(java.toFile().setExecutable(true));
        return java;
    }

    private static final byte[] PLANTED = "not an archive, not at all".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /** What a test does to an archive its training JVM has just written. */
    private interface ArchiveChange {
        void apply(Path archive) throws IOException;
    }

    /** Class-data sharing for the host's JDK, each of whose archives gets {@code change} once trained. */
    private ClassDataSharing sharingWhoseTrainingEndsWith(ArchiveChange change) {
        var runner = new JvmRunner(workDir, Duration.ofMinutes(2), WorkerIsolation.none());
        var training = new JvmTraining(runner);
        ArchiveTraining changing = (jdk, jvmOptions, classpath, archive) -> {
            training.train(jdk, jvmOptions, classpath, archive);
            change.apply(archive);
        };
        return new ClassDataSharing(true, HOST_JAVA, new ArchiveNames(cacheDir.resolve("class-data")),
                new JdkProbe(runner), new JarDigests(), changing, new ArchiveVerification(runner),
                ClassDataSharing.builderThread());
    }

    private static void overwriteStart(Path archive) throws IOException {
        assertTrue(archive.toFile().setWritable(true, true), "cannot make " + archive + " writable");
        try (var channel = Files.newByteChannel(archive, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(PLANTED));
        }
    }

    private static boolean startsWithPlantedBytes(Path archive) throws IOException {
        try (var in = Files.newInputStream(archive)) {
            return java.util.Arrays.equals(PLANTED, in.readNBytes(PLANTED.length));
        }
    }
}
