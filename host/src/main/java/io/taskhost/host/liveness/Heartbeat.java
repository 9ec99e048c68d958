package io.taskhost.host.liveness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.RedisFailures;
import io.taskhost.worker.ProcessIdentity;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * This host's sign of life: a key with a TTL that the host renews, never a worker, so a busy or
 * CPU-bound task cannot make its host look dead. When the key stays absent, peers recover the
 * host's processing list. Each beat renews the key and the host's entry in the hosts hash in one
 * script, so a host whose entry was removed while it was out of reach registers again, and a
 * host id is held by one live host at a time.
 */
public final class Heartbeat {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    /** Returns the holder when another instance holds the id; else 1 if the entry was added, plus 2 if the key had lapsed. */
    private static final String BEAT = """
            local holder = redis.call('GET', KEYS[1])
            if holder and holder ~= ARGV[1] then return {holder} end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            local added = redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
            if holder then return added end
            return added + 2
            """;

    /**
     * Takes the id over from {@code ARGV[4]}, the dead holder, unless someone else got there first.
     * Finding itself the holder already, it is the same take-over sent again by the cluster client
     * after a connection failure, and it succeeded.
     */
    static final String TAKE_OVER = """
            local holder = redis.call('GET', KEYS[1])
            if holder == ARGV[1] then return 1 end
            if holder ~= ARGV[4] then return 0 end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
            return 1
            """;

    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
            if redis.call('LLEN', KEYS[3]) == 0 then redis.call('HDEL', KEYS[2], ARGV[2]) end
            return 1
            """;

    private enum Hold { NOT_YET, HELD, HELD_BY_ANOTHER }

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final String hostId;
    private final Duration ttl;
    private final ObjectMapper mapper;
    private final Machine machine;
    private final String value;
    private volatile Hold hold = Hold.NOT_YET;

    public Heartbeat(UnifiedJedis redis, QueueKeys keys, String hostId, Duration ttl, ObjectMapper mapper,
                     Machine machine) {
        this.redis = redis;
        this.keys = keys;
        this.hostId = hostId;
        this.ttl = ttl;
        this.mapper = mapper;
        this.machine = machine;
        ProcessIdentity self = ProcessIdentity.current();
        this.value = mapper.createObjectNode()
                .put("instance", UUID.randomUUID().toString())
                .put("pid", self.pid())
                .put("processStart", self.startMillis())
                .put("hostname", machine.hostname())
                .put("bootId", machine.bootId())
                .put("pidNamespace", machine.pidNamespace())
                .put("startedAt", System.currentTimeMillis())
                .toString();
    }

    public Duration ttl() {
        return ttl;
    }

    /** Whether this host holds its id: it may take tasks only then, for another holder's tasks share its list. */
    public boolean holdsId() {
        return hold == Hold.HELD;
    }

    /**
     * Takes this host id at start: registers the host and sets the heartbeat.
     *
     * @throws IllegalStateException if a live host holds the id, or one that cannot be proven
     *                               dead; a crashed predecessor on this machine is taken over
     * @throws JedisException        if Redis cannot be reached; the beats go on trying
     */
    public void claim() {
        Object reply = eval(BEAT);
        if (reply instanceof List<?> holder && !takeOverFrom(holder)) {
            hold = Hold.HELD_BY_ANOTHER;
            throw new IllegalStateException(inUse(holder));
        }
        hold = Hold.HELD;
    }

    /**
     * Renews the heartbeat and the registration; a Redis outage is logged and the next beat tries
     * again. Meant to run every third of the TTL, on a thread that nothing else can hold up.
     */
    public void beat() {
        try {
            Object reply = eval(BEAT);
            if (reply instanceof List<?> holder) {
                if (takeOverFrom(holder)) {
                    hold = Hold.HELD;
                } else if (hold != Hold.HELD_BY_ANOTHER) {
                    hold = Hold.HELD_BY_ANOTHER;
                    log.error("{}; this host fetches nothing until it holds its id again", inUse(holder));
                }
                return;
            }
            long answer = (Long) reply;
            if (hold == Hold.HELD && (answer & 1) == 1) {
                log.warn("host {} was no longer registered in {} (its heartbeat had lapsed, and a peer recovered its"
                        + " tasks and deregistered it); registered again", hostId, keys.hosts());
            } else if (hold == Hold.HELD && (answer & 2) == 2) {
                log.warn("the heartbeat of host {} had lapsed (Redis out of reach, or this process paused for longer"
                        + " than {}); renewed", hostId, ttl);
            } else if (hold != Hold.HELD) {
                log.info("host {} holds its id and is registered in {}", hostId, keys.hosts());
            }
            hold = Hold.HELD;
        } catch (JedisException e) {
            log.atLevel(RedisFailures.level(e)).log("cannot renew the heartbeat of host {} ({}); peers recover its"
                    + " tasks if it stays out of reach for {}", hostId, RedisConnector.describe(e), ttl.multipliedBy(2));
        }
    }

    /** Leaves cleanly: the host holds no tasks any more, so no peer needs to recover it. */
    public void release() {
        try {
            redis.eval(RELEASE, List.of(keys.heartbeat(hostId), keys.hosts(), keys.processing(hostId)),
                    List.of(value, hostId));
        } catch (JedisException e) {
            log.atLevel(RedisFailures.level(e)).log("cannot remove the heartbeat of host {} ({}); it expires in {}",
                    hostId, RedisConnector.describe(e), ttl);
        }
    }

    private Object eval(String script) {
        return redis.eval(script, List.of(keys.heartbeat(hostId), keys.hosts()),
                List.of(value, Long.toString(ttl.toMillis()), hostId));
    }

    private boolean takeOverFrom(List<?> reply) {
        String holder = text(reply.get(0));
        Optional<String> death = provenDead(holder);
        if (death.isEmpty()) {
            return false;
        }
        Object taken = redis.eval(TAKE_OVER, List.of(keys.heartbeat(hostId), keys.hosts()),
                List.of(value, Long.toString(ttl.toMillis()), hostId, holder));
        if (Long.valueOf(1).equals(taken)) {
            log.warn("taking over host id {} from a predecessor on this machine that {}: {}", hostId, death.get(),
                    holder);
            return true;
        }
        return false;
    }

    /**
     * How the holder is known to be dead: only a process this host can see, on the same boot and
     * in the same pid namespace, can be. Its pid may since have gone to another process, which
     * its start time tells apart.
     */
    private Optional<String> provenDead(String holder) {
        JsonNode other;
        try {
            other = mapper.readTree(holder);
        } catch (IOException e) {
            return Optional.empty();
        }
        var theirs = new Machine(other.path("hostname").asText(""), other.path("bootId").asText(""),
                other.path("pidNamespace").asText(""));
        if (!machine.seesProcessesOf(theirs) || !other.path("pid").canConvertToLong()) {
            return Optional.empty();
        }
        var process = new ProcessIdentity(other.path("pid").asLong(), other.path("processStart").asLong(0));
        if (process.isRunning()) {
            return Optional.empty();
        }
        return Optional.of(ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false)
                ? "has exited (its pid now belongs to a process started at another time)" : "has exited");
    }

    private String inUse(List<?> holder) {
        return "host id " + hostId + " is in use by a live host, or one that cannot be proven dead from here ("
                + text(holder.get(0)) + ", heartbeat key " + keys.heartbeat(hostId) + "); give each host a unique --host-id,"
                + " or wait " + ttl.toSeconds() + " s for a dead one's heartbeat to expire";
    }

    private static String text(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : String.valueOf(reply);
    }
}
