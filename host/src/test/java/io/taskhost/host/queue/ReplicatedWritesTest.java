package io.taskhost.host.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * A write the host waits for comes back once a replica has it; a replica that stops acknowledging
 * costs one wait, a warning, and writes that go on without waiting until it is back. The timeout
 * guards against a hang; nothing here measures time.
 */
@Timeout(120)
class ReplicatedWritesTest {

    private static final byte[] PUSH = "return redis.call('LPUSH', KEYS[1], ARGV[1])".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PUSH_IF_ABSENT = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            return redis.call('LPUSH', KEYS[1], ARGV[1])
            """.getBytes(StandardCharsets.UTF_8);
    /** For a replica that should answer: the longest wait, so that a loaded machine's replica is in time. */
    private static final ReplicaWait ONE_REPLICA = new ReplicaWait(1, ReplicaWait.LONGEST_TIMEOUT);
    /** For a frozen replica, which never answers: each test waits once. */
    private static final ReplicaWait ONE_FROZEN_REPLICA = new ReplicaWait(1, Duration.ofMillis(300));

    private static MasterWithReplica servers;
    private UnifiedJedis master;
    private UnifiedJedis replica;
    private final AtomicLong nanos = new AtomicLong();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger queueLogger = (Logger) LoggerFactory.getLogger("io.taskhost.host.queue");

    @BeforeAll
    static void startServers() {
        servers = MasterWithReplica.start();
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @BeforeEach
    void connect() {
        master = servers.masterConnectionsInTurn();
        replica = servers.replica();
        log.start();
        queueLogger.addAppender(log);
    }

    @AfterEach
    void disconnect() {
        queueLogger.detachAppender(log);
        servers.thawReplica();
        master.close();
        replica.close();
    }

    @Test
    void aWaitedWriteReturnsOnceTheReplicaHasIt() {
        var writes = new ReplicatedWrites(master, ONE_REPLICA, nanos::get);
        String key = key();

        Object reply = writes.eval(PUSH, List.of(bytes(key)), List.of(bytes("first")), Objects::nonNull);

        assertEquals(1L, reply);
        assertEquals(List.of("first"), replica.lrange(key, 0, -1), "the replica has the write the moment it returns");
        assertEquals(1, writes.acknowledged());
        assertEquals(0, writes.unacknowledged());
        assertEquals(List.of(), warnings());
    }

    /** A slot's records and take: scripts in one round trip, and one wait, after all, for what any wrote. */
    @Test
    void scriptsInTurnAreWaitedForOnceAfterAll() {
        var writes = new ReplicatedWrites(master, ONE_REPLICA, nanos::get);
        String key = key();

        List<Object> replies = writes.evalInTurn(List.of(
                new Script(PUSH_IF_ABSENT, List.of(bytes(key)), List.of(bytes("first")), Long.valueOf(1)::equals),
                new Script(PUSH, List.of(bytes(key)), List.of(bytes("second")), Objects::nonNull),
                new Script(PUSH, List.of(bytes(key)), List.of(bytes("third")), Objects::nonNull)));

        assertEquals(List.of(1L, 2L, 3L), replies);
        assertEquals(List.of("third", "second", "first"), replica.lrange(key, 0, -1),
                "the replica has all when it returns");
        assertEquals(1, writes.acknowledged(), "one wait for all");
        assertEquals(List.of(), warnings());
    }

    @Test
    void aFrozenReplicaCostsOneWaitAndOneWarningThenWritesGoOnWithoutWaiting() {
        var writes = new ReplicatedWrites(master, ONE_FROZEN_REPLICA, nanos::get);
        String key = key();
        servers.freezeReplica();

        for (int i = 0; i < 5; i++) {
            writes.eval(PUSH, List.of(bytes(key)), List.of(bytes("write-" + i)), Objects::nonNull);
        }

        assertEquals(5, master.llen(key), "every write went through");
        assertEquals(0, writes.acknowledged());
        assertEquals(5, writes.unacknowledged());
        List<String> warnings = warnings();
        assertEquals(1, warnings.size(), "one warning, not one per write: " + warnings);
        assertTrue(warnings.get(0).contains("0 of the 1 replica"), warnings.get(0));
    }

    @Test
    void aReplicaThatIsBackIsWaitedForAgainAtTheNextCheck() {
        var writes = new ReplicatedWrites(master, ONE_REPLICA, nanos::get);
        String key = key();
        servers.freezeReplica();
        writes.eval(PUSH, List.of(bytes(key)), List.of(bytes("while frozen")), Objects::nonNull);
        servers.thawReplica();

        writes.eval(PUSH, List.of(bytes(key)), List.of(bytes("before the check")), Objects::nonNull);
        assertEquals(0, writes.acknowledged(), "until the next check, writes are not waited for");
        nanos.addAndGet(ReplicatedWrites.RECHECK.toNanos());
        writes.eval(PUSH, List.of(bytes(key)), List.of(bytes("at the check")), Objects::nonNull);

        assertEquals(1, writes.acknowledged());
        assertEquals(List.of("at the check", "before the check", "while frozen"), replica.lrange(key, 0, -1));
        assertTrue(infos().stream().anyMatch(line -> line.contains("acknowledge writes again")), infos().toString());
    }

    @Test
    void aScriptThatWroteNothingIsNotWaitedFor() {
        var writes = new ReplicatedWrites(master, ONE_FROZEN_REPLICA, nanos::get);
        String key = key();
        master.lpush(key, "already there");
        servers.freezeReplica();

        Object reply = writes.eval(PUSH_IF_ABSENT, List.of(bytes(key)), List.of(bytes("x")), wrote -> !Long.valueOf(0).equals(wrote));

        assertEquals(0L, reply);
        assertEquals(0, writes.acknowledged() + writes.unacknowledged());
        assertEquals(List.of(), warnings());
    }

    @Test
    void withoutReplicasToWaitForAWriteIsAPlainScript() {
        var writes = ReplicatedWrites.unwaited(master);
        String key = key();
        servers.freezeReplica();

        writes.eval(PUSH, List.of(bytes(key)), List.of(bytes("plain")), Objects::nonNull);

        assertEquals(List.of("plain"), master.lrange(key, 0, -1));
        assertEquals(0, writes.acknowledged() + writes.unacknowledged());
        assertEquals(List.of(), warnings());
    }

    private List<String> warnings() {
        return messages(Level.WARN);
    }

    private List<String> infos() {
        return messages(Level.INFO);
    }

    private List<String> messages(Level level) {
        return log.list.stream().filter(event -> event.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private static String key() {
        return "{replicated-" + System.nanoTime() + "}:list";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
