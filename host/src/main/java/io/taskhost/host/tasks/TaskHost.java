package io.taskhost.host.tasks;

import io.taskhost.host.launch.WorkerLauncher;
import io.taskhost.host.plugins.RoutingTable;
import io.taskhost.host.queue.QueueSelection;
import io.taskhost.host.queue.RedisBackoff;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.RedisFailures;
import io.taskhost.host.queue.TaskEntry;
import io.taskhost.host.retries.FailureDisposer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The fetch loop: takes a task only when a worker slot is free, from the first of the host's
 * queues that has one in this fetch's order, with a blocking fetch that costs nothing while they
 * are empty, and hands it to a slot. A slot that records a task takes its next one in the same
 * round trip, from the queue this fetch's order starts with, and runs it itself: in a burst a task
 * costs one round trip to Redis and no hand-off between threads, and each slot still takes a task
 * only once it is free. After tasks that ran in reuse mode, a slot takes up to the reuse batch at
 * once ({@code --reuse-batch}), and records them all in one round trip. A Redis outage is logged and
 * retried with backoff; it never stops the host.
 */
public final class TaskHost {

    private static final Logger log = LoggerFactory.getLogger(TaskHost.class);
    private static final Duration PAUSED_CHECK = Duration.ofSeconds(1);
    /** Beyond twice the fetch timeout: the socket timeout and the wait for a pooled connection. */
    private static final Duration STUCK_MARGIN = Duration.ofSeconds(10);

    private final TaskSettings settings;
    private final List<QueueLane> lanes;
    private final QueueSelection selection;
    private final RandomGenerator random;
    private final Map<QueueLane, TaskProcessor> processors = new IdentityHashMap<>();
    /** The lanes whose pause this fetcher has logged. */
    private final Set<String> lanesPaused = ConcurrentHashMap.newKeySet();
    private final Semaphore slots;
    private final ExecutorService workers;
    private final Thread fetcher;
    private final Map<String, TaskEntry> inFlight = new ConcurrentHashMap<>();
    /** Tasks whose processing failed unexpectedly: they stay in the processing list until the host's next start. */
    private final Set<String> abandoned = ConcurrentHashMap.newKeySet();
    /** Set when recording an outcome failed: the record may have been lost, by a failover, with its master. */
    private final AtomicBoolean recordFailed = new AtomicBoolean();
    /** The ids of takes a slot has sent with a record and not yet seen the reply of. */
    private final Set<String> taking = ConcurrentHashMap.newKeySet();
    private volatile long nextOrphanCheck;
    /** The order a slot drew for a fetch it left to the fetcher; null once used, or when none is owed. */
    private final AtomicReference<int[]> orderDrawnBySlot = new AtomicReference<>();
    private final BooleanSupplier holdsHostId;
    private final FetchLoopWatch watch;
    private volatile boolean running;
    private volatile boolean wasPaused;

    /**
     * @param lanes     the host's queues, in the order of {@code selection}
     * @param selection the order each fetch tries them in
     * @param random    draws a weighted selection's order
     */
    public TaskHost(TaskSettings settings, Supplier<RoutingTable> routes, WorkerLauncher launcher,
                    FailureDisposer disposer, List<QueueLane> lanes, QueueSelection selection, RandomGenerator random,
                    Clock clock, TaskMetrics metrics, BooleanSupplier holdsHostId) {
        if (lanes.size() != selection.queues().size()) {
            throw new IllegalArgumentException("one lane per queue of " + selection);
        }
        this.settings = settings;
        this.holdsHostId = holdsHostId;
        this.lanes = List.copyOf(lanes);
        this.selection = selection;
        this.random = random;
        for (QueueLane lane : this.lanes) {
            processors.put(lane, new TaskProcessor(settings.forQueue(lane.name()), routes, launcher, lane.outcomes(),
                    disposer, lane.queue(), lane.keys().processing(settings.hostId()), lane.running(), clock,
                    metrics, () -> recordFailed.set(true)));
        }
        this.watch = new FetchLoopWatch(settings.fetchTimeout().multipliedBy(2).plus(STUCK_MARGIN), System::nanoTime);
        this.slots = new Semaphore(settings.workers());
        var threadNumber = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.workers(), runnable -> {
            Thread thread = new Thread(runnable, "task-slot-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.fetcher = new Thread(this::fetchLoop, "fetcher");
    }

    /** How many tasks this host is running now. */
    public int inFlight() {
        return inFlight.size();
    }

    /** Whether the fetch loop is alive and not stuck in a step that should have ended by now. */
    public FetchLoopStatus fetchLoopStatus() {
        return watch.status(fetcher.isAlive());
    }

    /** Puts back what this host id left in flight last time, then starts fetching. */
    public void start() {
        running = true;
        fetcher.start();
    }

    private void fetchLoop() {
        if (!awaitHostId()) {
            return;
        }
        recoverLeftovers();
        nextOrphanCheck = System.nanoTime() + settings.orphanCheckInterval().toNanos();
        var backoff = new RedisBackoff();
        while (running) {
            watch.enter(FetchLoopWatch.Activity.WAITING_FOR_SLOT);
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            watch.enter(FetchLoopWatch.Activity.FETCHING);
            boolean handedOff = false;
            try {
                if (backoff.failing() | recordFailed.getAndSet(false) | orphanCheckDue()) {
                    putBackOrphans();
                }
                List<QueueLane> open = unpaused();
                if (open.isEmpty() || !holdsHostIdNow()) {
                    continue;
                }
                Fetched fetched = fetch(open);
                backoff.succeeded();
                if (fetched != null) {
                    handedOff = handOff(fetched.lane(), fetched.task(), System.currentTimeMillis());
                }
            } catch (JedisException e) {
                long wait = backoff.afterFailure().toMillis();
                log.atLevel(RedisFailures.level(e)).log("cannot fetch from Redis queue {} ({}); retrying in {} ms",
                        selection, RedisConnector.describe(e), wait);
                watch.enter(FetchLoopWatch.Activity.BACKING_OFF);
                if (!pause(wait)) {
                    return;
                }
            } finally {
                if (!handedOff) {
                    slots.release();
                }
            }
        }
    }

    private record Fetched(QueueLane lane, TaskEntry task) {
    }

    /**
     * Tries each open queue once, in this fetch's order, without waiting; when all were empty, waits
     * up to the fetch timeout on the first of them only. A task on another queue therefore waits at
     * most one fetch timeout, and an idle host makes one blocking call per timeout. One queue is
     * fetched exactly as a host of one queue always did.
     *
     * @param open the unpaused lanes, in this fetch's order
     * @return null when nothing came in time
     */
    private Fetched fetch(List<QueueLane> open) {
        if (open.size() > 1) {
            for (QueueLane lane : open) {
                Optional<TaskEntry> task = lane.queue().take();
                if (task.isPresent()) {
                    return new Fetched(lane, task.get());
                }
            }
        }
        QueueLane first = open.get(0);
        return first.queue().fetch().map(task -> new Fetched(first, task)).orElse(null);
    }

    /**
     * The lanes not paused, in the order this fetch tries them; checked before each fetch. When all
     * are paused, the host looks again every second, which costs nothing to speak of.
     */
    private List<QueueLane> unpaused() {
        List<QueueLane> open = new ArrayList<>(lanes.size());
        int[] drawn = orderDrawnBySlot.getAndSet(null);
        for (int index : drawn != null ? drawn : drawOrder()) {
            QueueLane lane = lanes.get(index);
            boolean paused = lane.pauseFlags().isPaused(settings.hostId());
            boolean logged = paused ? lanesPaused.add(lane.name()) : lanesPaused.remove(lane.name());
            if (logged) {
                log.info(paused ? "paused on queue {}: fetching nothing new from it until taskhost resume"
                        : "resumed on queue {}: fetching from it again", lane.name());
            }
            if (!paused) {
                open.add(lane);
            }
        }
        wasPaused = open.isEmpty();
        if (open.isEmpty()) {
            watch.enter(FetchLoopWatch.Activity.PAUSED);
            pause(PAUSED_CHECK.toMillis());
        }
        return open;
    }

    /**
     * Until the heartbeat holds this host's id, the processing list may be another live host's:
     * recovering it or fetching into it would run that host's tasks twice.
     */
    private boolean awaitHostId() {
        while (running && !holdsHostId.getAsBoolean()) {
            watch.enter(FetchLoopWatch.Activity.WAITING_FOR_HOST_ID);
            if (!pause(PAUSED_CHECK.toMillis())) {
                return false;
            }
        }
        return running;
    }

    private boolean holdsHostIdNow() {
        if (holdsHostId.getAsBoolean()) {
            return true;
        }
        watch.enter(FetchLoopWatch.Activity.WAITING_FOR_HOST_ID);
        pause(PAUSED_CHECK.toMillis());
        return false;
    }

    /** Whether every queue of this host is paused, as the fetcher last saw. */
    public boolean isPaused() {
        return wasPaused;
    }

    /** Whether queue {@code queue} of this host is paused, as the fetcher last saw. */
    public boolean isPaused(String queue) {
        return lanesPaused.contains(queue);
    }

    private boolean handOff(QueueLane lane, TaskEntry task, long fetchedAt) {
        if (!running) {
            lane.queue().putBack(task);
            return false;
        }
        inFlight.put(task.id(), task);
        workers.execute(() -> {
            try {
                runInSlot(lane, task, fetchedAt);
            } finally {
                slots.release();
            }
        });
        return true;
    }

    /**
     * Runs {@code first}, then each batch the slot takes as it records the one before, until a take
     * finds none or the slot should leave the next fetch to the fetcher.
     */
    private void runInSlot(QueueLane lane, TaskEntry first, long fetchedAt) {
        List<TaskEntry> batch = List.of(first);
        long batchFetchedAt = fetchedAt;
        while (!batch.isEmpty()) {
            List<TaskEntry> next = runBatch(lane, batch, batchFetchedAt);
            batchFetchedAt = System.currentTimeMillis();
            if (!next.isEmpty() && !running) {
                next.forEach(task -> putBackTaken(lane, task));
                return;
            }
            batch = next;
        }
    }

    /** @return the tasks the slot took as it recorded these, in {@link #inFlight} already, oldest first */
    private List<TaskEntry> runBatch(QueueLane lane, List<TaskEntry> batch, long fetchedAt) {
        List<String> takeIds = new ArrayList<>();
        try {
            List<TaskEntry> next = processors.get(lane).processAll(batch, fetchedAt, wanted -> {
                takeIds.addAll(nextTakeIds(lane, wanted));
                return takeIds;
            });
            for (TaskEntry task : next) {
                inFlight.put(task.id(), task);
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (RuntimeException e) {
            batch.forEach(task -> abandoned.add(task.id()));
            log.error("task processing failed unexpectedly; its {} task(s) stay in processing list {} until recovered",
                    batch.size(), lane.keys().processing(settings.hostId()), e);
            return List.of();
        } finally {
            batch.forEach(task -> inFlight.remove(task.id()));
            // Not before the tasks it took are in flight: an entry of neither would look like an orphan.
            takeIds.forEach(taking::remove);
        }
    }

    /**
     * The ids for a slot's take of up to {@code wanted} next tasks as it records tasks of {@code lane},
     * registered so that their entries are never taken for orphans; or none, leaving the next fetch to
     * the fetcher: when the host stops, has lost its id, owes an orphan check, or this fetch's order
     * starts with another queue.
     */
    private List<String> nextTakeIds(QueueLane lane, int wanted) {
        if (!running || recordFailed.get() || orphanCheckPending() || !holdsHostId.getAsBoolean()) {
            return List.of();
        }
        if (!firstInOrder(lane)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>(wanted);
        for (int i = 0; i < wanted; i++) {
            String id = UUID.randomUUID().toString();
            taking.add(id);
            ids.add(id);
        }
        return ids;
    }

    /**
     * Whether {@code lane} comes first in the next fetch's order. When it does not, the fetcher's next
     * fetch follows that order: a second draw would favour the queue the slot had just recorded for.
     */
    private boolean firstInOrder(QueueLane lane) {
        if (lanes.size() == 1) {
            return true;
        }
        int[] order = drawOrder();
        if (lanes.get(order[0]) == lane) {
            return true;
        }
        orderDrawnBySlot.set(order);
        return false;
    }

    private int[] drawOrder() {
        synchronized (random) {
            return selection.order(random);
        }
    }

    private void putBackTaken(QueueLane lane, TaskEntry task) {
        try {
            lane.queue().putBack(task);
        } catch (JedisException e) {
            log.atLevel(RedisFailures.level(e)).log("could not put back a task taken as the host stopped ({}); it"
                    + " stays in the processing list until the next start", RedisConnector.describe(e));
        } finally {
            inFlight.remove(task.id());
        }
    }

    /**
     * An entry in this host's processing list that no slot runs is an orphan: a fetch whose reply was
     * lost to a connection failure moved it there without delivering it, or a failover lost the record
     * that had taken it out (the new master still has it, though the task ran). Orphans go back to the
     * queue, by their ids, so a running identical task is never taken for one. The fetcher looks once
     * Redis answers again after a failed fetch or a failed record, and every orphan-check interval (a
     * minute) whatever happened:
     * a host whose slots were all busy through a failover may have seen no fetch fail.
     */
    private void putBackOrphans() {
        for (QueueLane lane : lanes) {
            for (TaskEntry listed : lane.queue().processing()) {
                if (!inFlight.containsKey(listed.id()) && !taking.contains(listed.id())
                        && !abandoned.contains(listed.id()) && lane.queue().putBack(listed)) {
                    log.warn("put a task back on queue {} that was in this host's processing list but ran in no slot"
                            + " (a fetch whose reply was lost, or a record that a failover lost)", lane.name());
                }
            }
        }
    }

    private boolean orphanCheckDue() {
        if (!orphanCheckPending()) {
            return false;
        }
        nextOrphanCheck = System.nanoTime() + settings.orphanCheckInterval().toNanos();
        return true;
    }

    /** Slots that take their next task themselves leave the fetcher a slot for the check once it is due. */
    private boolean orphanCheckPending() {
        return System.nanoTime() - nextOrphanCheck >= 0;
    }

    private void recoverLeftovers() {
        var backoff = new RedisBackoff();
        while (running) {
            watch.enter(FetchLoopWatch.Activity.RECOVERING);
            try {
                for (QueueLane lane : lanes) {
                    int leftovers = lane.recovery().recover(settings.hostId());
                    if (leftovers > 0) {
                        log.warn("recovered {} task(s) of queue {} left in flight by an earlier run of host {}",
                                leftovers, lane.name(), settings.hostId());
                    }
                }
                return;
            } catch (JedisException e) {
                long wait = backoff.afterFailure().toMillis();
                log.atLevel(RedisFailures.level(e)).log("cannot reach Redis to recover in-flight tasks ({}); retrying in"
                        + " {} ms", RedisConnector.describe(e), wait);
                watch.enter(FetchLoopWatch.Activity.BACKING_OFF);
                if (!pause(wait)) {
                    return;
                }
            }
        }
    }

    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * Stops fetching, waits up to the grace period for running tasks, then kills the rest and
     * puts their tasks back at the consuming end of the queue.
     */
    public void stop() throws InterruptedException {
        running = false;
        // Wakes a fetcher waiting for a free slot; a blocking fetch in progress is not disturbed by it.
        fetcher.interrupt();
        fetcher.join(settings.fetchTimeout().plusSeconds(10).toMillis());
        workers.shutdown();
        if (!workers.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("tasks still running after the grace period of {}; killing their workers and requeueing them",
                    settings.shutdownGrace());
            workers.shutdownNow();
            workers.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
