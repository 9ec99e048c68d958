package io.taskhost.bench;

import io.taskhost.host.config.HostSettings;
import io.taskhost.host.queue.EmbeddedRedis;
import io.taskhost.host.queue.QueueKeys;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@code taskhost bench --compare-seed}: the seed's PHP daemon beside taskhost's default mode and
 * reuse mode, on the same bundled Redis, the same noop tasks, in alternating rounds, with as many
 * children as the hosts have worker slots.
 */
final class SeedComparison {

    /** Tasks each reuse-mode host runs, unmeasured, before its burst; as in the other comparisons. */
    private static final int REUSE_WARM_UP = 200;

    private final int rounds;
    private final int slots;

    SeedComparison(int rounds, int slots) {
        this.rounds = rounds;
        this.slots = slots;
    }

    /**
     * @param hostIn the settings of a host in a launch mode ({@code both} or {@code reuse}) on a Redis URL
     */
    void run(Path work, int seedTasks, int defaultModeTasks, int reuseTasks,
             BiFunction<String, String, HostSettings.Builder> hostIn) throws Exception {
        var missing = SeedDaemon.missing();
        if (missing.isPresent()) {
            System.out.println("The seed's daemon was not measured: " + missing.get());
            return;
        }
        SeedDaemon seed = SeedDaemon.in(work);
        Map<String, Double> perSecond = new LinkedHashMap<>();
        String oneChild = "the seed's PHP daemon, 1 child";
        String seedChildren = "the seed's PHP daemon, " + slots + " children (" + slots + " daemons)";
        String defaultMode = "taskhost, default mode (strict, spares, class-data sharing), " + slots + " slots";
        String reuseMode = "taskhost, reuse mode, " + slots + " slots";
        try (EmbeddedRedis redis = EmbeddedRedis.start(0); UnifiedJedis client = RedisClient.create(URI.create(redis.url()))) {
            System.out.printf("the seed's daemon (%d tasks a run) against taskhost (%d tasks a run in the default mode,"
                    + " %d in reuse mode) on one bundled Redis, %d round(s)%n", seedTasks, defaultModeTasks, reuseTasks,
                    rounds);
            for (int round = 1; round <= rounds; round++) {
                record(perSecond, oneChild, round, seed.tasksPerSecond(client, redis.port(), queue(), 1, seedTasks));
                record(perSecond, seedChildren, round, seed.tasksPerSecond(client, redis.port(), queue(), slots,
                        seedTasks));
                record(perSecond, defaultMode, round, NoopTasks.hostTasksPerSecond(
                        hostIn.apply(redis.url(), "both").build(), defaultModeTasks, slots * 2));
                record(perSecond, reuseMode, round, NoopTasks.hostTasksPerSecond(
                        hostIn.apply(redis.url(), "reuse").build(), reuseTasks, REUSE_WARM_UP));
            }
        }
        double floor = perSecond.get(seedChildren);
        System.out.println();
        System.out.println("| consumer | tasks/s | against the seed's daemon with " + slots + " children |");
        System.out.println("|---|---|---|");
        perSecond.forEach((consumer, rate) -> System.out.printf(Locale.ROOT, "| %s | %,.1f | %.2f |%n", consumer, rate,
                rate / floor));
    }

    private void record(Map<String, Double> perSecond, String consumer, int round, double rate) {
        System.out.printf(Locale.ROOT, "%s, round %d: %.1f tasks/s%n", consumer, round, rate);
        perSecond.merge(consumer, rate / rounds, Double::sum);
    }

    private static QueueKeys queue() {
        return new QueueKeys("bench-seed-" + UUID.randomUUID().toString().substring(0, 8));
    }
}
