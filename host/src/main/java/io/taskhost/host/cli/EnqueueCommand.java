package io.taskhost.host.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskhost.host.logging.ControlCharacters;
import io.taskhost.host.queue.RedisConnector;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/** {@code taskhost enqueue}: pushes one task in the seed's wire format, as a PHP producer would. */
@Command(name = "enqueue", mixinStandardHelpOptions = true,
        description = "LPUSH one task {\"worker\": W, \"class\": C, \"params\": P} onto the queue, for scripts.",
        footerHeading = "%nExit codes:%n",
        footer = "  0  queued%n  2  usage error, or --params is not JSON%n  3  Redis unreachable or failing")
final class EnqueueCommand implements Callable<Integer> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--class", paramLabel = "C", description = "The task class; omitted, the host's default class.")
    String taskClass;

    @Option(names = "--worker", paramLabel = "W", required = true, description = "The operation: _task_<W> runs.")
    String worker;

    @Option(names = "--params", paramLabel = "JSON", description = "The params, as JSON. Default: []")
    String params;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var task = MAPPER.createObjectNode().put("worker", worker);
        if (taskClass != null) {
            task.put("class", taskClass);
        }
        task.set("params", params == null ? MAPPER.createArrayNode() : parse(params));
        String payload = MAPPER.writeValueAsString(task);
        try (UnifiedJedis redis = connection.connect()) {
            long depth = redis.lpush(connection.keys().queue(), payload);
            spec.commandLine().getOut().println(ControlCharacters.escape(String.format("queued on %s (%d waiting): %s",
                    connection.keys().queue(), depth, payload)));
            return 0;
        } catch (JedisException e) {
            spec.commandLine().getErr().println(ControlCharacters.escape("Redis at " + connection.maskedRedis()
                    + " failed: " + RedisConnector.describe(e)));
            return 3;
        }
    }

    private JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ParameterException(spec.commandLine(), "--params is not JSON: " + e.getOriginalMessage());
        }
    }
}
