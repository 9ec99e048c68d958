package io.taskhost.examples.bundledjackson;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.PackageVersion;
import io.taskhost.api.TaskWorker;
import java.util.Map;
import org.pf4j.Extension;

/** Uses the Jackson this plugin bundles, not the worker's. */
@Extension
public class JacksonTasks implements TaskWorker {

    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** Which Jackson served the call, and the params as that Jackson writes them. */
    public Map<String, String> _task_describe(Map<String, Object> params) throws JsonProcessingException {
        return Map.of(
                "jackson", PackageVersion.VERSION.toString(),
                "mapper", ObjectMapper.class.getName(),
                "params", mapper.writeValueAsString(params));
    }
}
