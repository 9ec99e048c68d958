package io.taskhost.host.liveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.testing.TestHosts;
import io.taskhost.host.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * Host ids: unique by default, and taken over from their holder only when it is provably dead on
 * this very machine; cloned machines and containers with the same hostname never share one.
 */
class HostIdsTest {

    private static final Duration TTL = Duration.ofSeconds(30);

    private final ObjectMapper mapper = new ObjectMapper();
    private final UnifiedJedis redis = TestRedis.shared().client();
    private final QueueKeys keys = new QueueKeys(TestHosts.uniqueQueue());
    private final Machine here = Machine.current();

    @AfterEach
    void close() {
        redis.close();
    }

    @Test
    void theDefaultIdIsTheHostnameWithASuffixOfTheBootAndPidNamespace() {
        String id = new Machine("web-1", "boot-a", "pid:[1]").defaultHostId();
        assertTrue(id.startsWith("web-1-"), id);
        assertNotEquals(id, new Machine("web-1", "boot-b", "pid:[1]").defaultHostId(), "a clone boots anew");
        assertNotEquals(id, new Machine("web-1", "boot-a", "pid:[2]").defaultHostId(), "a container");
        assertEquals(id, new Machine("web-1", "boot-a", "pid:[1]").defaultHostId(), "a restart keeps it");
        assertTrue(new Machine("localhost", "", "").defaultHostId().matches("localhost-[0-9a-f]{8}"));
        assertTrue(here.defaultHostId().startsWith(here.hostname() + "-"));
    }

    @Test
    void aTakeOverSentAgainAfterItsReplyWasLostStillTakesTheId() {
        String hostId = "host-" + keys.queue();
        redis.set(keys.heartbeat(hostId), "the dead holder");
        var scriptKeys = java.util.List.of(keys.heartbeat(hostId), keys.hosts());
        var args = java.util.List.of("this instance", "30000", hostId, "the dead holder");

        assertEquals(1L, redis.eval(Heartbeat.TAKE_OVER, scriptKeys, args));
        assertEquals(1L, redis.eval(Heartbeat.TAKE_OVER, scriptKeys, args), "sent again: still ours");
        assertEquals(0L, redis.eval(Heartbeat.TAKE_OVER, scriptKeys,
                java.util.List.of("a third instance", "30000", hostId, "the dead holder")), "taken: not a third's");
        assertEquals("this instance", redis.get(keys.heartbeat(hostId)));
    }

    private Heartbeat heartbeat(String hostId) {
        return new Heartbeat(redis, keys, hostId, TTL, mapper, here);
    }

    private ObjectNode holder(Machine machine, long pid, long processStart) {
        return mapper.createObjectNode().put("instance", "someone-else").put("pid", pid)
                .put("processStart", processStart).put("hostname", machine.hostname()).put("bootId", machine.bootId())
                .put("pidNamespace", machine.pidNamespace());
    }

    private long deadPid() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        return gone.pid();
    }

    @Test
    void aDeadHolderOnAnotherMachineWithTheSameHostnameIsNotTakenOver() throws Exception {
        Machine clone = new Machine(here.hostname(), "another-boot", here.pidNamespace());
        redis.set(keys.heartbeat("shared"), holder(clone, deadPid(), 1).toString());
        var failure = assertThrows(IllegalStateException.class, () -> heartbeat("shared").claim());
        assertTrue(failure.getMessage().contains("in use"), failure.getMessage());
    }

    @Test
    void aCrashedHolderOnThisMachineIsTakenOver() throws Exception {
        redis.set(keys.heartbeat("mine"), holder(here, deadPid(), 1).toString());
        heartbeat("mine").claim();
        assertTrue(redis.get(keys.heartbeat("mine")).contains(Long.toString(ProcessHandle.current().pid())));
        assertTrue(redis.hexists(keys.hosts(), "mine"));
    }

    @Test
    void aHolderWhosePidWasReusedByAnotherProcessIsTakenOver() {
        long alive = ProcessHandle.current().pid();
        redis.set(keys.heartbeat("reused"), holder(here, alive, 42).toString());
        heartbeat("reused").claim();
        assertTrue(redis.hexists(keys.hosts(), "reused"));
    }

    @Test
    void aLiveHolderOnThisMachineKeepsItsId() {
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().orElseThrow().toEpochMilli();
        redis.set(keys.heartbeat("taken"), holder(here, self.pid(), start).toString());
        assertThrows(IllegalStateException.class, () -> heartbeat("taken").claim());
    }
}
