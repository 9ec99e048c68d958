package io.taskhost.host.launch;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Worker JVMs that wait for a task: warm spares started ahead of demand, and JVMs in reuse mode
 * between two tasks. Spares are kept only for recently used plugin versions, and are started
 * on a thread of their own so that a task never waits for one.
 */
final class IdleWorkers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IdleWorkers.class);

    /** Starts a spare for a plan: a JVM that warms up and then waits. */
    interface Starter {
        WorkerJvm start(LaunchPlan plan) throws IOException;
    }

    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Starter starter;
    private final Duration keepFor;
    private final Clock clock;
    private final Map<LaunchPlan.Kind, Deque<WorkerJvm>> idle = new HashMap<>();
    private final Map<LaunchPlan.Kind, Long> lastUsed = new HashMap<>();
    private final ExecutorService spareStarts = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "spare-starts");
        thread.setDaemon(true);
        return thread;
    });
    private boolean closed;

    /** @param keepFor a plugin version unused for this long keeps no idle JVMs */
    IdleWorkers(Starter starter, Duration keepFor, Clock clock) {
        this.starter = starter;
        this.keepFor = keepFor;
        this.clock = clock;
    }

    /**
     * A live idle JVM for {@code plan}, ready ones first, or null; then starts spares in the
     * background until {@code plan.warmSpares()} wait again.
     */
    WorkerJvm take(LaunchPlan plan) {
        LaunchPlan.Kind kind = plan.kind();
        WorkerJvm taken = null;
        List<WorkerJvm> dead = new ArrayList<>();
        synchronized (this) {
            lastUsed.put(kind, clock.millis());
            Deque<WorkerJvm> waiting = idle.getOrDefault(kind, new ArrayDeque<>());
            for (Iterator<WorkerJvm> it = waiting.iterator(); it.hasNext(); ) {
                WorkerJvm jvm = it.next();
                if (!jvm.isAlive()) {
                    it.remove();
                    dead.add(jvm);
                } else if (taken == null && jvm.isReady()) {
                    it.remove();
                    taken = jvm;
                }
            }
            if (taken == null) {
                taken = waiting.pollFirst();
            }
        }
        dead.forEach(jvm -> log.warn("an idle worker JVM for {} (pid {}) had exited; it is not used: see its output"
                + " above", plan.pluginJar().getFileName(), jvm.pid()));
        topUp(plan);
        return taken;
    }

    /** Keeps a reuse-mode JVM that can take more tasks for the next task of its plan. */
    void giveBack(LaunchPlan plan, WorkerJvm jvm) {
        synchronized (this) {
            if (!closed && lastUsed.containsKey(plan.kind())) {
                idle.computeIfAbsent(plan.kind(), k -> new ArrayDeque<>()).addFirst(jvm);
                return;
            }
        }
        jvm.retire();
    }

    /** Retires the idle JVMs of every plugin jar not in {@code jars}: replaced or removed ones. */
    void retireAllBut(Set<Path> jars) {
        retireWhere(kind -> !jars.contains(kind.pluginJar()), "its plugin jar was replaced or removed");
    }

    /** Retires the idle JVMs of {@code jar}, giving {@code why}. */
    void retire(Path jar, String why) {
        retireWhere(kind -> kind.pluginJar().equals(jar), why);
    }

    /** Retires the idle JVMs of plugin versions no task has used for {@code keepFor}. */
    void retireUnused() {
        long cutoff = clock.millis() - keepFor.toMillis();
        retireWhere(kind -> lastUsed.getOrDefault(kind, 0L) < cutoff, "no task used it for " + keepFor);
    }

    synchronized int count() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    /** Of {@link #count()}, those that have loaded their plugin or run a task: they need no more CPU to take one. */
    synchronized int readyCount() {
        return (int) idle.values().stream().flatMap(Deque::stream).filter(WorkerJvm::isReady).count();
    }

    /**
     * Retires every idle JVM and waits up to {@link #STOP_GRACE} for each to be gone, so that their
     * process groups are killed and their directories deleted before the host exits.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        spareStarts.shutdownNow();
        List<WorkerJvm> retired = retireWhere(kind -> true, "the host is stopping");
        try {
            for (WorkerJvm jvm : retired) {
                jvm.stop(STOP_GRACE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<WorkerJvm> retireWhere(Predicate<LaunchPlan.Kind> condition, String why) {
        List<WorkerJvm> retired = new ArrayList<>();
        synchronized (this) {
            for (var kind : List.copyOf(lastUsed.keySet())) {
                if (condition.test(kind)) {
                    lastUsed.remove(kind);
                    Deque<WorkerJvm> waiting = idle.remove(kind);
                    if (waiting != null) {
                        retired.addAll(waiting);
                    }
                }
            }
        }
        if (!retired.isEmpty()) {
            log.info("retiring {} idle worker JVM(s): {}", retired.size(), why);
        }
        retired.forEach(WorkerJvm::retire);
        return retired;
    }

    private synchronized int waiting(LaunchPlan.Kind kind) {
        Deque<WorkerJvm> waiting = idle.get(kind);
        return waiting == null ? 0 : waiting.size();
    }

    private void topUp(LaunchPlan plan) {
        int missing;
        synchronized (this) {
            missing = plan.warmSpares() - waiting(plan.kind());
        }
        for (int i = 0; i < missing; i++) {
            try {
                spareStarts.execute(() -> startSpare(plan));
            } catch (RejectedExecutionException e) {
                return;
            }
        }
    }

    private void startSpare(LaunchPlan plan) {
        LaunchPlan.Kind kind = plan.kind();
        synchronized (this) {
            if (closed || !lastUsed.containsKey(kind)
                    || waiting(kind) >= plan.warmSpares()) {
                return;
            }
        }
        WorkerJvm spare;
        try {
            spare = starter.start(plan);
        } catch (IOException e) {
            log.warn("could not start a warm spare for {}: {}", plan.pluginJar().getFileName(), e.getMessage());
            return;
        }
        synchronized (this) {
            if (!closed && lastUsed.containsKey(kind)) {
                idle.computeIfAbsent(kind, k -> new ArrayDeque<>()).addLast(spare);
                return;
            }
        }
        spare.retire();
    }
}
