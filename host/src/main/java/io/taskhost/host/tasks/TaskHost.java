package io.taskhost.host.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.launch.WorkerLauncher;
import io.taskhost.host.outcomes.OutcomeLog;
import io.taskhost.host.plugins.RoutingTable;
import io.taskhost.host.queue.TaskQueue;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The fetch loop: takes a task only when a worker slot is free, with a blocking fetch that
 * costs nothing while the queue is empty, and hands it to a slot. A Redis outage is logged and
 * retried with backoff; it never stops the host.
 */
public final class TaskHost {

    private static final Logger log = LoggerFactory.getLogger(TaskHost.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final TaskSettings settings;
    private final TaskQueue queue;
    private final TaskProcessor processor;
    private final Semaphore slots;
    private final ExecutorService workers;
    private final Thread fetcher;
    private volatile boolean running;

    public TaskHost(TaskSettings settings, ObjectMapper mapper, Supplier<RoutingTable> routes, WorkerLauncher launcher,
                    OutcomeLog outcomes, TaskQueue queue) {
        this.settings = settings;
        this.queue = queue;
        this.processor = new TaskProcessor(settings, mapper, routes, launcher, outcomes, queue);
        this.slots = new Semaphore(settings.workers());
        var threadNumber = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(settings.workers(), runnable -> {
            Thread thread = new Thread(runnable, "task-slot-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.fetcher = new Thread(this::fetchLoop, "fetcher");
    }

    /** Puts back what this host id left in flight last time, then starts fetching. */
    public void start() {
        running = true;
        fetcher.start();
    }

    private void fetchLoop() {
        putBackLeftovers();
        long backoff = 0;
        while (running) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            boolean handedOff = false;
            try {
                Optional<byte[]> task = queue.fetch();
                backoff = 0;
                if (task.isPresent()) {
                    handedOff = handOff(task.get(), System.currentTimeMillis());
                }
            } catch (JedisException e) {
                backoff = backoff == 0 ? 500 : Math.min(backoff * 2, MAX_BACKOFF.toMillis());
                log.warn("cannot fetch from Redis queue {} ({}); retrying in {} ms", settings.queue(), e.getMessage(),
                        backoff);
                if (!pause(backoff)) {
                    return;
                }
            } finally {
                if (!handedOff) {
                    slots.release();
                }
            }
        }
    }

    private boolean handOff(byte[] payload, long fetchedAt) {
        if (!running) {
            queue.putBack(payload);
            return false;
        }
        workers.execute(() -> {
            try {
                processor.process(payload, fetchedAt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.error("task processing failed unexpectedly; the task stays in processing list {} until recovered",
                        settings.queue(), e);
            } finally {
                slots.release();
            }
        });
        return true;
    }

    private void putBackLeftovers() {
        long backoff = 500;
        while (running) {
            try {
                long leftovers = queue.putAllBack();
                if (leftovers > 0) {
                    log.warn("put {} task(s) left in flight by an earlier run of host {} back on queue {}", leftovers,
                            settings.hostId(), settings.queue());
                }
                return;
            } catch (JedisException e) {
                log.warn("cannot reach Redis to recover in-flight tasks ({}); retrying in {} ms", e.getMessage(), backoff);
                if (!pause(backoff)) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
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
        fetcher.join(settings.fetchTimeout().plusSeconds(10).toMillis());
        fetcher.interrupt();
        workers.shutdown();
        if (!workers.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("tasks still running after the grace period of {}; killing their workers and requeueing them",
                    settings.shutdownGrace());
            workers.shutdownNow();
            workers.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
