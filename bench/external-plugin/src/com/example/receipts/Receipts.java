package com.example.receipts;

import io.taskhost.api.TaskContext;
import io.taskhost.api.TaskWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pf4j.Extension;

/**
 * A plugin as a new user writes it, outside taskhost's build: each operation writes a small
 * receipt file into the worker's working directory and says where.
 */
@Extension
public class Receipts implements TaskWorker {

    /** Params as a map, the way the archetype's example takes them. */
    public Map<String, Object> _task_write_receipt(Map<String, Object> params, TaskContext context)
            throws IOException {
        String text = "order " + params.get("order") + ": " + params.get("amount") + " " + params.get("currency")
                + "\n";
        return written(context, text);
    }

    /** Params bound to a small class of the plugin's own. */
    public Map<String, Object> _task_write_order_receipt(Order order, TaskContext context) throws IOException {
        String text = "order " + order.getOrder() + ": " + order.getAmount() + " " + order.getCurrency() + "\n";
        return written(context, text);
    }

    private static Map<String, Object> written(TaskContext context, String text) throws IOException {
        Path file = Path.of("receipt-" + context.taskId() + ".txt");
        Files.writeString(file, text);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("file", file.toAbsolutePath().toString());
        result.put("bytes", Files.size(file));
        return result;
    }
}
