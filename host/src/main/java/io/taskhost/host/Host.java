package io.taskhost.host;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.classdata.ClassDataSharing;
import io.taskhost.host.classdata.ClassDataStatus;
import io.taskhost.host.config.HostSettings;
import io.taskhost.host.http.HostMetrics;
import io.taskhost.host.http.HttpEndpoint;
import io.taskhost.host.http.ObservedHost;
import io.taskhost.host.launch.LaunchSettings;
import io.taskhost.host.launch.WorkerClasspath;
import io.taskhost.host.launch.WorkerLauncher;
import io.taskhost.host.launch.WorkerScratch;
import io.taskhost.host.sandbox.SandboxMode;
import io.taskhost.host.sandbox.SandboxProbe;
import io.taskhost.host.sandbox.WorkerIsolation;
import io.taskhost.host.sandbox.WorkerLimits;
import io.taskhost.host.sandbox.WorkerSandbox;
import io.taskhost.host.jobs.RepeatingJobs;
import io.taskhost.host.liveness.Heartbeat;
import io.taskhost.host.liveness.RunningTasks;
import io.taskhost.host.liveness.Machine;
import io.taskhost.host.liveness.PeerWatch;
import io.taskhost.host.liveness.TaskRecovery;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.payload.PayloadParser;
import io.taskhost.host.plugins.JarVetting;
import io.taskhost.host.plugins.PluginCatalog;
import io.taskhost.host.plugins.PluginJar;
import io.taskhost.host.plugins.PluginsDirectoryWatcher;
import io.taskhost.host.plugins.SnapshotPublisher;
import io.taskhost.host.queue.DueSetMover;
import io.taskhost.host.queue.EmbeddedRedis;
import io.taskhost.host.queue.PauseFlags;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.QueueSelection;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.ReplicatedWrites;
import io.taskhost.host.queue.TaskQueue;
import io.taskhost.host.retries.FailureDisposer;
import io.taskhost.host.retries.RetryPolicy;
import io.taskhost.host.schedules.Scheduler;
import io.taskhost.host.tasks.ParkedTasks;
import io.taskhost.host.tasks.QueueLane;
import io.taskhost.host.tasks.TaskHost;
import io.taskhost.host.tasks.TaskMetrics;
import io.taskhost.host.tasks.TaskSettings;
import io.taskhost.worker.ProcessGroups;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A running host, wired together: its Redis connection, plugins-dir watcher, fetch loop, and three
 * timers. The heartbeat has a thread of its own, so slow maintenance can never make the host
 * look dead; due retries and delayed tasks have one too, so that they move within a fraction of a
 * second of their due time whatever maintenance does; the third timer runs the schedules, expires
 * parked tasks and recovers dead peers' tasks.
 */
public final class Host implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Host.class);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration PARKED_CHECK = Duration.ofSeconds(5);

    private final EmbeddedRedis embeddedRedis;
    private final String redisUrl;
    private final UnifiedJedis redis;
    private final PluginCatalog catalog;
    private final PluginsDirectoryWatcher watcher;
    private final TaskHost tasks;
    private final WorkerLauncher launcher;
    private final List<Heartbeat> heartbeats;
    private final List<SnapshotPublisher> snapshots;
    private final RepeatingJobs heartbeatTimer;
    private final RepeatingJobs maintenanceTimer;
    private final RepeatingJobs delayedTimer;
    private final RepeatingJobs runningWrites;
    private final HttpEndpoint http;
    private final ClassDataSharing classData;

    private Host(EmbeddedRedis embeddedRedis, String redisUrl, UnifiedJedis redis, PluginCatalog catalog,
                 PluginsDirectoryWatcher watcher, TaskHost tasks, WorkerLauncher launcher, List<Heartbeat> heartbeats,
                 List<SnapshotPublisher> snapshots, RepeatingJobs heartbeatTimer, RepeatingJobs maintenanceTimer,
                 RepeatingJobs delayedTimer, RepeatingJobs runningWrites, HttpEndpoint http,
                 ClassDataSharing classData) {
        this.embeddedRedis = embeddedRedis;
        this.redisUrl = redisUrl;
        this.redis = redis;
        this.catalog = catalog;
        this.watcher = watcher;
        this.tasks = tasks;
        this.launcher = launcher;
        this.heartbeats = heartbeats;
        this.snapshots = snapshots;
        this.heartbeatTimer = heartbeatTimer;
        this.maintenanceTimer = maintenanceTimer;
        this.delayedTimer = delayedTimer;
        this.runningWrites = runningWrites;
        this.http = http;
        this.classData = classData;
    }

    /**
     * Starts every part of a host. When a step fails, what the earlier steps started is stopped again,
     * newest first: a failed start leaves no heartbeat or registration, listening port, thread,
     * scratch directory or embedded redis-server behind, and the same host id can start at once.
     */
    public static Host start(HostSettings settings) throws IOException {
        return start(settings, () -> false);
    }

    /**
     * {@link #start(HostSettings)}, giving up when {@code stopRequested} turns true while the host
     * waits for the sentinels or cluster nodes of its Redis URL to answer.
     *
     * @throws IllegalStateException when it gave up, or another part of the host cannot start
     */
    public static Host start(HostSettings settings, BooleanSupplier stopRequested) throws IOException {
        var parts = new StartedParts();
        try {
            return start(settings, parts, stopRequested);
        } catch (Throwable e) {
            parts.stopAll(e);
            throw e;
        }
    }

    private static Host start(HostSettings settings, StartedParts parts, BooleanSupplier stopRequested)
            throws IOException {
        var embeddedPort = settings.embeddedRedisPort();
        EmbeddedRedis embedded = embeddedPort.isPresent() ? parts.add(EmbeddedRedis.start(embeddedPort.getAsInt())) : null;
        String url = embedded == null ? settings.redisUrl() : embedded.url();
        if (embedded != null) {
            log.info("started an embedded redis-server at {}", url);
        }
        UnifiedJedis redis = parts.add(RedisConnector.connectWhenReachable(url, settings.redisSecurity(),
                settings.fetchTimeout(), settings.workers() + 4 + (settings.httpPort() == 0 ? 0 : HttpEndpoint.THREADS),
                stopRequested));
        Instant startedAt = Instant.now();
        Files.createDirectories(settings.pluginsDir());
        ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        QueueSelection selection = settings.queues();
        List<QueueKeys> queues = selection.queues();
        // A heartbeat and registration in every queue's slot: the peers of each queue see this host there,
        // and recover its processing list of that queue, even those that consume no other queue of it.
        var machine = Machine.current();
        List<Heartbeat> heartbeats = queues.stream().map(keys -> new Heartbeat(redis, keys, settings.hostId(),
                settings.heartbeatTtl(), mapper, machine)).toList();
        for (Heartbeat heartbeat : heartbeats) {
            try {
                heartbeat.claim();
            } catch (JedisException e) {
                log.warn("cannot reach Redis at {} yet ({}); starting anyway and retrying", RedisConnector.masked(url),
                        RedisConnector.describe(e));
            }
            // Not before the claim: an id that a live host holds is not ours to release.
            parts.onFailure(heartbeat::release);
        }
        BooleanSupplier holdsId = () -> heartbeats.stream().allMatch(Heartbeat::holdsId);
        var catalog = new PluginCatalog(settings.pluginsDir(), settings.cacheDir(),
                JarVetting.trusting(settings.pluginTrust()), Clock.systemUTC());
        WorkerSandbox sandbox = SandboxProbe.ofThisMachine().choose(settings.workerSandbox(), settings.workerJava());
        WorkerLimits limits = settings.workerSandbox() == SandboxMode.OFF ? WorkerLimits.none()
                : parts.add(WorkerLimits.detect(settings.workerMaxProcesses()));
        log.info("worker limits: {}", limits.describe());
        var isolation = new WorkerIsolation(sandbox, limits, settings.workerMemoryHeadroom());
        var scratch = parts.add(WorkerScratch.create(settings.scratchDir()));
        var groups = parts.add(ProcessGroups.ofThisPlatform());
        if (!groups.available()) {
            log.warn("no setsid on this machine: worker JVMs share the host's process group, and a process a task"
                    + " leaves behind when its parent exits is not killed with its worker");
        }
        var classData = parts.add(settings.classDataSharing()
                ? ClassDataSharing.forWorkers(settings.workerJava(), settings.cacheDir(), scratch.newDirectory("class-data"),
                        isolation)
                : ClassDataSharing.off());
        var launcher = parts.add(new WorkerLauncher(
                new LaunchSettings(settings.workerJava(), settings.scratchDir(), settings.sparesKeptFor()),
                WorkerClasspath.ofHost(), classData, mapper, scratch, groups, catalog::verifyCachedJar,
                isolation));
        var writes = new ReplicatedWrites(redis, settings.replicaWait(), System::nanoTime);
        if (settings.replicaWait().on()) {
            log.info("each fetch and outcome record waits up to {} ms for {} replica(s) to have it (--redis-wait-replicas)",
                    settings.replicaWait().timeout().toMillis(), settings.replicaWait().replicas());
        }
        var disposer = new FailureDisposer(
                new RetryPolicy(settings.retryBackoff(), settings.retryBackoffMax(), settings.poisonDeaths()), mapper,
                Clock.systemUTC(), () -> ThreadLocalRandom.current().nextDouble(), settings.maxPayloadBytes());
        var parser = new PayloadParser(settings.defaultClass(), settings.maxPayloadBytes(), settings.maxPayloadDepth());
        List<QueueLane> lanes = new ArrayList<>();
        RepeatingJobs runningWrites = parts.add(RepeatingJobs.onThread("running-tasks"));
        for (QueueKeys keys : queues) {
            var outcomes = new OutcomeLog(writes, keys, settings.outcomesKept(), mapper);
            lanes.add(new QueueLane(keys, new TaskQueue(redis, writes, keys, settings.hostId(), settings.fetchTimeout()),
                    outcomes, new TaskRecovery(redis, keys, outcomes, disposer, parser, settings.hostId(),
                            settings.maxAttempts()), new PauseFlags(redis, keys),
                    new RunningTasks(redis, keys, settings.hostId(), settings.heartbeatTtl(), mapper,
                            runningWrites::once)));
        }
        var taskSettings = new TaskSettings(settings.queue(), settings.hostId(), settings.defaultClass(),
                settings.workers(), settings.defaultLimits(), settings.pluginLimits(), settings.shutdownGrace(),
                settings.fetchTimeout(), settings.maxPayloadBytes(), settings.maxPayloadDepth(),
                settings.parkUnknownFor(), settings.orphanCheckInterval(), settings.reuseBatch());
        HostMetrics metrics = settings.httpPort() == 0 ? null : new HostMetrics(selection.names());
        var tasks = new TaskHost(taskSettings, catalog::routes, launcher, disposer, lanes, selection,
                RandomGenerator.getDefault(), Clock.systemUTC(), metrics == null ? TaskMetrics.NONE : metrics.tasks(),
                holdsId);
        parts.onFailure(tasks::stop);
        List<ParkedTasks> parked = lanes.stream().map(lane -> new ParkedTasks(redis, lane.keys(), lane.outcomes(),
                taskSettings, Clock.systemUTC())).toList();
        List<SnapshotPublisher> snapshots = queues.stream().map(keys -> new SnapshotPublisher(redis, keys,
                settings.hostId(), catalog, settings.heartbeatTtl().multipliedBy(2), mapper)).toList();
        snapshots.forEach(publisher -> parts.onFailure(publisher::withdraw));
        catalog.onChange(table -> {
            launcher.retireAllBut(table.plugins().stream().map(PluginJar::cachedJar).collect(Collectors.toSet()));
            parked.forEach(queue -> queue.release(table));
            snapshots.forEach(SnapshotPublisher::publish);
        });
        HttpEndpoint http = metrics == null ? null : parts.add(HttpEndpoint.start(settings.httpBind(),
                settings.httpPort(), settings.httpToken(), settings.httpReadOnly(), metrics,
                new ObservedHost(settings.hostId(), queues, redis, catalog, tasks, launcher, classData, startedAt),
                mapper, Clock.systemUTC()));
        var watcher = parts.add(new PluginsDirectoryWatcher(catalog, settings.rescanInterval()));
        watcher.start();

        RepeatingJobs heartbeatTimer = parts.add(RepeatingJobs.onThread("heartbeat"));
        Duration beat = settings.heartbeatTtl().dividedBy(3);
        heartbeatTimer.every(beat, beat, "renewing the heartbeat", () -> {
            heartbeats.forEach(Heartbeat::beat);
            snapshots.forEach(SnapshotPublisher::publish);
            lanes.forEach(lane -> lane.running().publish());
        });
        RepeatingJobs maintenanceTimer = parts.add(RepeatingJobs.onThread("maintenance"));
        maintenanceTimer.every(Duration.ZERO, TICK, "retiring unused worker JVMs", launcher::retireUnused);
        RepeatingJobs delayedTimer = parts.add(RepeatingJobs.onThread("due-tasks"));
        var scheduler = new Scheduler(redis, settings.queue(), settings.hostId(), settings.schedules(), catalog::routes,
                Clock.systemUTC(), mapper);
        maintenanceTimer.every(Duration.ZERO, TICK, "enqueuing recurring tasks", scheduler::tick);
        Duration peerCheck = settings.heartbeatTtl().dividedBy(2);
        for (int i = 0; i < lanes.size(); i++) {
            // Each queue's jobs are timer jobs of their own: one queue's Redis failure does not hold up another's.
            QueueLane lane = lanes.get(i);
            ParkedTasks queueParked = parked.get(i);
            String of = lanes.size() == 1 ? "" : " of queue " + lane.name();
            delayedTimer.untilDue(Duration.ZERO, DueSetMover.LOOK_AGAIN, "moving due retries and delayed tasks" + of,
                    DueSetMover.retriesAndDelayed(redis, lane.keys())::moveDueThenPause);
            maintenanceTimer.every(Duration.ZERO, Duration.ofMinutes(10), "indexing parked tasks of earlier versions"
                    + of, queueParked::indexEarlierVersionsTasks);
            maintenanceTimer.untilDue(Duration.ZERO, TICK, "dead-lettering parked tasks whose wait is over" + of,
                    queueParked::expire);
            maintenanceTimer.every(PARKED_CHECK, PARKED_CHECK, "releasing parked tasks whose plugin is here" + of,
                    () -> queueParked.release(catalog.routes()));
            var peers = new PeerWatch(redis, lane.keys(), settings.hostId(), lane.recovery(), settings.heartbeatTtl(),
                    System::nanoTime);
            maintenanceTimer.every(peerCheck, peerCheck, "recovering the tasks of lost peers" + of,
                    peers::recoverDeadPeers);
        }

        tasks.start();
        log.info("taskhost {} consuming {} on {} with {} worker slot(s), plugins from {}", settings.hostId(),
                selection, RedisConnector.masked(url), settings.workers(), settings.pluginsDir());
        return new Host(embedded, url, redis, catalog, watcher, tasks, launcher, heartbeats, snapshots, heartbeatTimer,
                maintenanceTimer, delayedTimer, runningWrites, http, classData);
    }

    /** The Redis actually in use: the embedded server's URL when one was started. */
    public String redisUrl() {
        return redisUrl;
    }

    public PluginCatalog catalog() {
        return catalog;
    }

    /** Whether {@code taskhost pause} has stopped this host's fetching from every queue. */
    public boolean isPaused() {
        return tasks.isPaused();
    }

    /** Whether {@code taskhost pause} has stopped this host's fetching from queue {@code queue}. */
    public boolean isPaused(String queue) {
        return tasks.isPaused(queue);
    }

    /** How many worker JVMs wait for a task: warm spares, and reuse-mode JVMs between tasks. */
    public int idleWorkers() {
        return launcher.idleWorkers();
    }

    /** Of {@link #idleWorkers()}, those done warming up: a warm spare that has loaded its plugin, say. */
    public int readyIdleWorkers() {
        return launcher.readyIdleWorkers();
    }

    /** How many tasks this host is running now. */
    public int inFlight() {
        return tasks.inFlight();
    }

    /** How the class-data archives of worker JVMs stand. */
    public ClassDataStatus classData() {
        return classData.status();
    }

    /** Where the HTTP endpoint listens; empty when it is off, as it is unless {@code --http-port} is set. */
    public Optional<InetSocketAddress> httpAddress() {
        return Optional.ofNullable(http).map(HttpEndpoint::address);
    }

    /** Stops fetching, lets running tasks finish within the grace period, and releases everything. */
    @Override
    public void close() throws InterruptedException, IOException {
        try {
            tasks.stop();
            launcher.close();
            maintenanceTimer.close();
            delayedTimer.close();
            heartbeatTimer.close();
            runningWrites.close();
            heartbeats.forEach(Heartbeat::release);
            snapshots.forEach(SnapshotPublisher::withdraw);
        } finally {
            if (http != null) {
                http.close();
            }
            watcher.close();
            classData.close();
            redis.close();
            if (embeddedRedis != null) {
                embeddedRedis.close();
            }
        }
        log.info("taskhost stopped");
    }
}
