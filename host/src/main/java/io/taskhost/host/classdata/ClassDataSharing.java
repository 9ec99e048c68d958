package io.taskhost.host.classdata;

import io.taskhost.host.plugins.JarDigest;
import io.taskhost.host.plugins.VerifiedFiles;
import io.taskhost.host.sandbox.WorkerIsolation;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Class-data archives (dynamic AppCDS, or an AOT cache on JDK 24+) that make worker JVMs start faster.
 * The first launch of a classpath gets no archive and queues one to be built, on one background thread,
 * so no task ever waits for it; launches use it once it has been built and verified.
 */
public final class ClassDataSharing implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClassDataSharing.class);
    private static final Duration JVM_RUN_LIMIT = Duration.ofMinutes(5);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private enum State { BUILDING, READY, UNUSABLE }

    private final boolean enabled;
    private final Path java;
    private final ArchiveNames names;
    private final JdkProbe jdks;
    private final JarDigests digests;
    private final ArchiveTraining training;
    private final ArchiveVerification verification;
    private final ExecutorService builder;
    private final VerifiedFiles verified;
    private final Map<Path, State> archives = new ConcurrentHashMap<>();
    /** The SHA-256 of each archive this host built and verified; only such an archive is handed to a worker. */
    private final Map<Path, String> archiveDigests = new ConcurrentHashMap<>();
    private final Set<Object> pending = ConcurrentHashMap.newKeySet();

    ClassDataSharing(boolean enabled, Path java, ArchiveNames names, JdkProbe jdks, JarDigests digests,
                     ArchiveTraining training, ArchiveVerification verification, ExecutorService builder) {
        this(enabled, java, names, jdks, digests, training, verification, builder, new VerifiedFiles(Clock.systemUTC()));
    }

    ClassDataSharing(boolean enabled, Path java, ArchiveNames names, JdkProbe jdks, JarDigests digests,
                     ArchiveTraining training, ArchiveVerification verification, ExecutorService builder,
                     VerifiedFiles verified) {
        this.enabled = enabled;
        this.java = java;
        this.names = names;
        this.jdks = jdks;
        this.digests = digests;
        this.training = training;
        this.verification = verification;
        this.builder = builder;
        this.verified = verified;
    }

    /**
     * Archives for the worker JVMs that {@code java} runs, kept in {@code <cacheDir>/class-data}.
     *
     * @param workDir where the training JVMs run, as workers do
     * @param isolation how they are confined, as workers are: they load the plugin's classes
     */
    public static ClassDataSharing forWorkers(Path java, Path cacheDir, Path workDir, WorkerIsolation isolation) {
        var runner = new JvmRunner(workDir, JVM_RUN_LIMIT, isolation);
        var jdks = new JdkProbe(runner);
        var sharing = new ClassDataSharing(true, java, new ArchiveNames(cacheDir.resolve("class-data")), jdks,
                new JarDigests(), new JvmTraining(runner), new ArchiveVerification(runner), builderThread());
        // Now rather than at the first launch, so that the first spares already get what depends on the version.
        sharing.once(java, () -> jdks.probe(java));
        return sharing;
    }

    /**
     * The feature version of the JDK that {@code java} runs (17 for 17.0.15), asked now and not kept; empty
     * when it cannot be told. For the benchmark, which starts bare worker JVMs with the options a host gives them.
     */
    public static OptionalInt featureOf(Path java) throws InterruptedException {
        int feature = new JdkProbe(new JvmRunner(Path.of("."), JVM_RUN_LIMIT, WorkerIsolation.none())).probe(java).feature();
        return feature > 0 ? OptionalInt.of(feature) : OptionalInt.empty();
    }

    /** Never an archive: for {@code --class-data-sharing=false}. */
    public static ClassDataSharing off() {
        var runner = new JvmRunner(Path.of("."), JVM_RUN_LIMIT, WorkerIsolation.none());
        return new ClassDataSharing(false, Path.of("java"), new ArchiveNames(Path.of(".")), new JdkProbe(runner),
                new JarDigests(), new JvmTraining(runner), new ArchiveVerification(runner), builderThread());
    }

    static ExecutorService builderThread() {
        var executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "class-data-builder");
            thread.setDaemon(true);
            return thread;
        });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /**
     * The feature version of the worker JDK (17 for 17.0.15), once probed in the background, which starts
     * with this object; empty before that, when it could not be told, and with class-data sharing off,
     * which never probes it.
     */
    public OptionalInt workerFeature() {
        return jdks.known(java).filter(jdk -> jdk.feature() > 0).map(jdk -> OptionalInt.of(jdk.feature()))
                .orElse(OptionalInt.empty());
    }

    /**
     * The JVM options that make a worker with this classpath and these options use its archive, placed
     * after {@code jvmOptions} and before {@code -cp}; empty until the archive is built and verified, and
     * for a classpath with a directory, which archives refuse. Never blocks on a build.
     *
     * @param classpathJars the worker's classpath in order, plugin jar included
     * @param jvmOptions    every other option the worker JVM gets
     */
    public List<String> optionsFor(List<Path> classpathJars, List<String> jvmOptions) {
        if (!enabled) {
            return List.of();
        }
        try {
            return archiveOptions(classpathJars, List.copyOf(jvmOptions));
        } catch (IOException e) {
            log.debug("no class-data archive for {}: {}", classpathJars, e.toString());
            return List.of();
        }
    }

    private List<String> archiveOptions(List<Path> jars, List<String> jvmOptions) throws IOException {
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                return List.of();
            }
        }
        Optional<WorkerJdk> jdk = jdks.known(java);
        if (jdk.isPresent() && jdk.get().format() == ArchiveFormat.NONE) {
            return List.of();
        }
        List<String> jarDigests = jdk.isEmpty() ? List.of() : knownDigests(jars);
        if (jdk.isEmpty() || jarDigests.size() < jars.size()) {
            once(List.of(jars, jvmOptions), () -> prepare(jars, jvmOptions));
            return List.of();
        }
        Path archive = names.archiveFor(jdk.get(), jarDigests, jvmOptions);
        State state = archives.get(archive);
        if (state == State.READY) {
            if (intact(archive)) {
                return jdk.get().format().launchOptions(archive);
            }
            if (archives.remove(archive, State.READY)) {
                archiveDigests.remove(archive);
                if (Files.exists(archive)) {
                    log.error("class-data archive {} was changed after this host verified it; worker JVMs start"
                            + " without it until it is rebuilt", archive);
                } else {
                    log.info("class-data archive {} disappeared; workers start without it until it is rebuilt", archive);
                }
                state = null;
            }
        }
        if (state == null && archives.putIfAbsent(archive, State.BUILDING) == null) {
            submit(() -> build(archive, jdk.get(), jars, jvmOptions), () -> archives.remove(archive, State.BUILDING));
        }
        return List.of();
    }

    /** Whether the archive still holds what this host built and verified: a stat while it is unchanged. */
    private boolean intact(Path archive) {
        String digest = archiveDigests.get(archive);
        try {
            return digest != null && verified.holds(archive, digest);
        } catch (IOException e) {
            log.warn("cannot check class-data archive {} ({}); worker JVMs start without it", archive, e.toString());
            return false;
        }
    }

    private List<String> knownDigests(List<Path> jars) throws IOException {
        List<String> known = new ArrayList<>();
        for (Path jar : jars) {
            Optional<String> digest = digests.known(jar);
            if (digest.isEmpty()) {
                break;
            }
            known.add(digest.get());
        }
        return known;
    }

    /** On the builder thread, what a launch must not wait for: the JDK's version, the jars' digests, the build. */
    private void prepare(List<Path> jars, List<String> jvmOptions) throws IOException, InterruptedException {
        WorkerJdk jdk = jdks.probe(java);
        if (jdk.format() == ArchiveFormat.NONE) {
            return;
        }
        List<String> jarDigests = new ArrayList<>();
        for (Path jar : jars) {
            jarDigests.add(digests.digest(jar));
        }
        Path archive = names.archiveFor(jdk, jarDigests, jvmOptions);
        if (archives.putIfAbsent(archive, State.BUILDING) == null) {
            build(archive, jdk, jars, jvmOptions);
        }
    }

    private interface Job {
        void run() throws Exception;
    }

    private void once(Object key, Job job) {
        if (pending.add(key)) {
            submit(() -> {
                try {
                    job.run();
                } finally {
                    pending.remove(key);
                }
            }, () -> pending.remove(key));
        }
    }

    private void submit(Job job, Runnable ifRejected) {
        try {
            builder.execute(() -> {
                try {
                    job.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    log.warn("class-data sharing for workers of {} failed: {}", java, e.toString(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            ifRejected.run();
        }
    }

    /**
     * Trains and verifies an archive, and hands it to launches once it is at its name. An archive found there
     * already, left by an earlier run or changed since this host verified it, is built again: nothing tells
     * this host what it holds.
     */
    private void build(Path archive, WorkerJdk jdk, List<Path> jars, List<String> jvmOptions)
            throws IOException, InterruptedException {
        if (Files.deleteIfExists(archive)) {
            log.info("class-data archive {} is not one this host verified (left by an earlier run, or changed); it is"
                    + " built again", archive);
        }
        Files.createDirectories(names.directory());
        String classpath = jars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        // A directory of its own, since the sandboxed training JVM may write there and nowhere else in the cache.
        Path buildDirectory = Files.createDirectory(names.directory().resolve(archive.getFileName() + "."
                + UUID.randomUUID() + ".building"));
        Path building = buildDirectory.resolve(archive.getFileName() + ".tmp" + jdk.format().extension());
        long started = System.nanoTime();
        // Published after the build's files are gone, so that whoever sees the outcome sees a clean cache.
        State outcome = null;
        try {
            training.train(jdk, jvmOptions, classpath, building);
            VerifiedFiles.readOnly(building);
            String digest = JarDigest.of(building);
            verification.verify(jdk, jvmOptions, classpath, building);
            Files.move(building, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            long builtMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            if (!verified.holdsOnceSettled(archive, digest)) {
                outcome = State.UNUSABLE;
                log.error("class-data archive {} was changed while it was being built; worker JVMs start without it",
                        archive);
                return;
            }
            archiveDigests.put(archive, digest);
            outcome = State.READY;
            log.info("class-data archive {} built and verified in {} ms for {} on {}; worker JVMs use it", archive,
                    builtMillis, jars.get(jars.size() - 1), jdk);
        } catch (ArchiveException e) {
            outcome = State.UNUSABLE;
            log.warn("class-data archive {} for {} on {} is unusable: {}; worker JVMs start without it. The JVM said:\n{}",
                    archive, jars.get(jars.size() - 1), jdk, e.getMessage(), e.jvmOutput());
        } catch (IOException | RuntimeException e) {
            outcome = State.UNUSABLE;
            log.warn("class-data archive {} for {} on {} could not be built; worker JVMs start without it", archive,
                    jars.get(jars.size() - 1), jdk, e);
        } finally {
            try {
                Files.deleteIfExists(building);
                deleteBuildDirectory(buildDirectory);
            } finally {
                if (outcome == null) {
                    archives.remove(archive, State.BUILDING); // interrupted: built again when asked again
                } else {
                    archives.put(archive, outcome);
                }
            }
        }
    }

    /** Empties and deletes a build's directory; a training JVM may have left files beside its archive. */
    private static void deleteBuildDirectory(Path directory) throws IOException {
        try (var left = Files.list(directory)) {
            for (Path file : left.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(directory);
    }

    public ClassDataStatus status() {
        int ready = 0;
        int building = 0;
        int unusable = 0;
        for (State state : archives.values()) {
            switch (state) {
                case READY -> ready++;
                case BUILDING -> building++;
                case UNUSABLE -> unusable++;
            }
        }
        return new ClassDataStatus(enabled, ready, building, unusable);
    }

    /** Stops building: a training JVM still running is killed, and its unfinished archive deleted. */
    @Override
    public void close() throws InterruptedException {
        builder.shutdownNow();
        if (!builder.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("the class-data builder did not stop within {}", CLOSE_WAIT);
        }
    }
}
