package io.taskhost.host.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taskhost.host.testing.Eventually;
import io.taskhost.host.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warm spares and reuse-mode JVMs waiting for a task, driven directly with a clock the test moves. WorkerJvm
 * cannot be faked, so the spares are real JVMs of the fixtures plugin; the test's starter counts and records them.
 */
class IdleWorkersTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration KEEP_FOR = Duration.ofMinutes(1);

    @TempDir
    Path temp;

    private final ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final List<Spare> spares = new CopyOnWriteArrayList<>();
    /** Whether the spare with this index (0 for the first started) warms up; the others wait cold, never ready. */
    private volatile IntPredicate warms = index -> true;
    private FixtureWorkers workers;
    private IdleWorkers idle;
    private final Path fixtures = FixtureWorkers.fixturesJar();

    private record Spare(LaunchPlan plan, WorkerJvm jvm) {
    }

    @BeforeEach
    void idleWorkers() throws Exception {
        workers = new FixtureWorkers(temp);
        idle = new IdleWorkers(plan -> {
            WorkerJvm jvm = workers.start(plan, warms.test(spares.size()));
            spares.add(new Spare(plan, jvm));
            return jvm;
        }, KEEP_FOR, clock);
    }

    @AfterEach
    void stop() throws Exception {
        idle.close();
        workers.close();
    }

    @Test
    void sparesAreToppedUpToWarmSpares() {
        LaunchPlan plan = FixtureWorkers.plan(fixtures, 2, 1);

        assertNull(idle.take(plan), "nothing waits before the plugin's first task");
        awaitIdle(2);
        assertEquals(2, spares.size(), "two spares for warm-spares 2");

        WorkerJvm taken = idle.take(plan);
        assertTrue(jvms().contains(taken), "a spare is handed out");
        awaitIdle(2);
        assertEquals(3, spares.size(), "one more spare replaces the one taken");
    }

    @Test
    void aReadySpareIsTakenBeforeOneStillWarming() {
        warms = index -> index != 0;
        LaunchPlan plan = FixtureWorkers.plan(fixtures, 2, 1);
        idle.take(plan);
        awaitIdle(2);
        WorkerJvm warming = spares.get(0).jvm();
        WorkerJvm ready = spares.get(1).jvm();
        Eventually.within(DEADLINE, "the second spare is ready", ready::isReady);
        assertFalse(warming.isReady(), "the first in line is still warming");

        assertSame(ready, idle.take(plan));
    }

    @Test
    void aDeadSpareIsSkippedAndNotHandedOut() {
        LaunchPlan plan = FixtureWorkers.plan(fixtures, 2, 1);
        idle.take(plan);
        awaitIdle(2);
        WorkerJvm dead = spares.get(0).jvm();
        WorkerJvm alive = spares.get(1).jvm();
        Eventually.within(DEADLINE, "both spares ready", () -> dead.isReady() && alive.isReady());
        dead.retire();
        Eventually.within(DEADLINE, "the first spare has exited", () -> !dead.isAlive());

        WorkerJvm taken = idle.take(plan);

        assertNotSame(dead, taken, "the dead spare was first in line and had been ready");
        assertSame(alive, taken);
    }

    @Test
    void giveBackKeepsAReuseJvmFirstInLine() throws Exception {
        LaunchPlan plan = FixtureWorkers.plan(fixtures, 1, 2);
        assertNull(idle.take(plan));
        WorkerJvm reused = workers.start(plan, false);
        assertTrue(workers.run(reused, "noop", "{}", DEADLINE).report().passed());
        awaitIdle(1);
        WorkerJvm spare = spares.get(0).jvm();
        Eventually.within(DEADLINE, "the spare is ready", spare::isReady);

        idle.giveBack(plan, reused);

        assertEquals(2, idle.count());
        assertSame(reused, idle.take(plan), "the reuse JVM goes ahead of the spare that waited longer");
    }

    @Test
    void aReuseJvmGivenBackAfterItsJarWasReplacedIsRetired() throws Exception {
        LaunchPlan plan = FixtureWorkers.plan(fixtures, 0, 2);
        assertNull(idle.take(plan));
        WorkerJvm reused = workers.start(plan, false);
        assertTrue(workers.run(reused, "noop", "{}", DEADLINE).report().passed());
        idle.retireAllBut(Set.of());

        idle.giveBack(plan, reused);

        assertEquals(0, idle.count());
        Eventually.within(DEADLINE, "the reuse JVM is retired", () -> !reused.isAlive());
    }

    @Test
    void aKindUnusedForKeepForIsRetired() {
        LaunchPlan old = FixtureWorkers.plan(fixtures, 1, 1);
        LaunchPlan recent = FixtureWorkers.plan(fixtures, 1, 1, "-Dtaskhost.test.kind=recent");
        idle.take(old);
        awaitIdle(1);
        clock.advance(KEEP_FOR.dividedBy(2));
        idle.take(recent);
        awaitIdle(2);
        WorkerJvm oldSpare = spareOf(old);
        WorkerJvm recentSpare = spareOf(recent);
        clock.advance(KEEP_FOR.dividedBy(2).plusMillis(1));

        idle.retireUnused();

        assertEquals(1, idle.count());
        Eventually.within(DEADLINE, "the spare of the kind unused for keepFor is retired", () -> !oldSpare.isAlive());
        assertTrue(recentSpare.isAlive(), "the kind used half of keepFor ago keeps its spare");
    }

    @Test
    void retireAllButRetiresTheSparesOfReplacedJarsOnly() throws Exception {
        Path replaced = Files.copy(fixtures, temp.resolve("replaced.jar"));
        Path current = Files.copy(fixtures, temp.resolve("current.jar"));
        LaunchPlan ofReplaced = FixtureWorkers.plan(replaced, 1, 1);
        LaunchPlan ofCurrent = FixtureWorkers.plan(current, 1, 1);
        idle.take(ofReplaced);
        idle.take(ofCurrent);
        awaitIdle(2);
        WorkerJvm replacedSpare = spareOf(ofReplaced);
        WorkerJvm currentSpare = spareOf(ofCurrent);

        idle.retireAllBut(Set.of(current));

        assertEquals(1, idle.count());
        Eventually.within(DEADLINE, "the replaced jar's spare is retired", () -> !replacedSpare.isAlive());
        assertTrue(currentSpare.isAlive(), "the current jar keeps its spare");
    }

    @Test
    void closeRetiresEveryIdleJvmAndTakesOrStartsNoMore() throws Exception {
        LaunchPlan plan = FixtureWorkers.plan(fixtures, 2, 2);
        idle.take(plan);
        awaitIdle(2);
        WorkerJvm reused = workers.start(plan, false);
        assertTrue(workers.run(reused, "noop", "{}", DEADLINE).report().passed());

        idle.close();

        assertEquals(0, idle.count());
        assertTrue(jvms().stream().noneMatch(WorkerJvm::isAlive), "close waits until the idle JVMs are gone");
        assertNull(idle.take(plan));
        assertEquals(2, spares.size(), "no spare is started once closed");
        idle.giveBack(plan, reused);
        assertEquals(0, idle.count());
        Eventually.within(DEADLINE, "a JVM given back after close is retired", () -> !reused.isAlive());
    }

    private void awaitIdle(int count) {
        Eventually.within(DEADLINE, count + " idle JVM(s)", () -> idle.count() == count);
    }

    private List<WorkerJvm> jvms() {
        return spares.stream().map(Spare::jvm).toList();
    }

    private WorkerJvm spareOf(LaunchPlan plan) {
        List<WorkerJvm> of = spares.stream().filter(spare -> spare.plan().equals(plan)).map(Spare::jvm).toList();
        assertEquals(1, of.size(), "one spare of " + plan);
        assertNotNull(of.get(0));
        return of.get(0);
    }
}
