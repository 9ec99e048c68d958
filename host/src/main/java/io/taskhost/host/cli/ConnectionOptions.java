package io.taskhost.host.cli;

import io.taskhost.host.config.Defaults;
import io.taskhost.host.logging.ControlCharacters;
import io.taskhost.host.queue.QueueKeys;
import io.taskhost.host.queue.QueueSelection;
import io.taskhost.host.queue.RedisConnector;
import io.taskhost.host.queue.RedisScheme;
import io.taskhost.host.queue.RedisSecurity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Which Redis and which queue a command works on, as options; each can also come from the
 * environment or the config file.
 */
final class ConnectionOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with settings: keys are option names without dashes (redis=..., queue=...,"
                    + " plugins-dir=...), and plugin.<id>.<setting> for one plugin's limits.")
    Path config;

    // Not ${DEFAULT-VALUE}: that would be TASKHOST_REDIS or the config file's URL, password included,
    // and help output gets pasted into tickets.
    @Option(names = "--redis", paramLabel = "URL", defaultValue = Defaults.REDIS,
            description = "One server: redis://[user:password@]host:port[/db]. Redis Sentinel:"
                    + " redis-sentinel://[user:password@]host:port,host:port[/db]#mastername (the credentials are the"
                    + " master's; add ?sentinel-auth=yes before # to send them to the sentinels too). Redis Cluster:"
                    + " redis-cluster://[user:password@]host:port,host:port. rediss://, rediss-sentinel:// and"
                    + " rediss-cluster:// for TLS. `run` also takes embedded[:PORT], a bundled redis-server (on a free"
                    + " port without PORT). In a password, percent-encode / @ : # ? %% and spaces. Default: "
                    + Defaults.REDIS)
    String redis;

    @Option(names = "--redis-truststore", paramLabel = "FILE",
            description = "PKCS12 or JKS truststore a TLS (rediss...) connection trusts. Default: the JVM's"
                    + " truststore")
    Path redisTruststore;

    @Option(names = "--redis-truststore-password", paramLabel = "SECRET",
            description = "Password of --redis-truststore, if it has one.")
    String redisTruststorePassword;

    @Option(names = "--redis-ca-cert", paramLabel = "FILE",
            description = "PEM CA certificate a TLS (rediss...) connection trusts, instead of a truststore.")
    Path redisCaCert;

    @Option(names = "--queue", paramLabel = "KEY", defaultValue = Defaults.QUEUE,
            description = "The Redis list producers LPUSH to; several as a,b,c (strict priority order) or a:5,b:1"
                    + " (weighted). Default: ${DEFAULT-VALUE}")
    String queue;

    /** Every queue {@code --queue} names, in its order. */
    List<QueueKeys> queues() {
        try {
            return QueueSelection.parse(queue).queues();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "invalid --queue: " + e.getMessage());
        }
    }

    /** The one queue {@code --queue} names, for a command that works on one. */
    QueueKeys keys() {
        List<QueueKeys> queues = queues();
        if (queues.size() > 1) {
            throw new ParameterException(command.commandLine(), "this command works on one queue, and --queue names "
                    + queues.size() + " (" + queue + "): give it one of them, such as --queue "
                    + queues.get(0).queue());
        }
        return queues.get(0);
    }

    UnifiedJedis connect() {
        RedisScheme scheme = RedisScheme.of(redis).orElseThrow(() -> new ParameterException(command.commandLine(),
                "--redis must be a Redis URL, not " + maskedRedis() + "; a Redis URL is " + RedisScheme.FORMS));
        RedisSecurity security = security();
        if (security.trustsOwnCertificates() && !scheme.tls()) {
            throw new ParameterException(command.commandLine(), "--redis-truststore and --redis-ca-cert apply only to"
                    + " a rediss://, rediss-sentinel:// or rediss-cluster:// URL, not " + maskedRedis());
        }
        try {
            return RedisConnector.connect(redis, security, Duration.ofSeconds(2), 2);
        } catch (IllegalStateException e) {
            throw new ParameterException(command.commandLine(), e.getMessage());
        } catch (IllegalArgumentException e) {
            // RedisConnector's messages name the URL masked.
            throw new ParameterException(command.commandLine(), "--redis: " + e.getMessage());
        }
    }

    private RedisSecurity security() {
        try {
            return RedisSecurity.of(redisTruststore, redisTruststorePassword, redisCaCert);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "invalid TLS options: " + e.getMessage());
        }
    }

    /** The Redis URL with its password hidden, to name it in messages. */
    /** The exit code of a command whose Redis was unreachable or failing. */
    static final int REDIS_FAILED = 3;

    /**
     * Tells the user that Redis failed, and why, on {@code err}, with the URL's password masked and
     * control characters escaped.
     *
     * @return {@value #REDIS_FAILED}, the exit code to return
     */
    int redisFailed(JedisException e, PrintWriter err) {
        err.println(ControlCharacters.escape("Redis at " + maskedRedis() + " failed: " + RedisConnector.describe(e)));
        return REDIS_FAILED;
    }

    String maskedRedis() {
        return RedisConnector.masked(redis);
    }
}
