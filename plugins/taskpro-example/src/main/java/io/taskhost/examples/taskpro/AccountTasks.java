package io.taskhost.examples.taskpro;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskhost.api.TaskClass;
import io.taskhost.api.TaskWorker;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pf4j.Extension;

/**
 * The PHP system's default class, {@code TaskproModel}, under a better Java name. Each operation
 * shows one way to take the params.
 */
@Extension
@TaskClass("TaskproModel")
public class AccountTasks implements TaskWorker {

    /** Params as a map: PHP's {@code "params": []} arrives as an empty map. */
    public Map<String, Object> _task_sync_profile(Map<String, Object> params) {
        var synced = new LinkedHashMap<String, Object>(params);
        synced.put("synced", true);
        return synced;
    }

    /** Params as a JSON tree, for payloads whose shape varies. */
    public int _task_count_tags(JsonNode params) {
        return params.path("tags").size();
    }

    /** Params as the raw JSON text, for code that hands it on unparsed. */
    public String _task_echo(String rawParams) {
        return rawParams;
    }

    /** No params at all. */
    public String _task_ping() {
        return "pong";
    }
}
