package io.taskhost.worker;

import io.taskhost.api.TaskWorker;
import java.util.Map;
import org.pf4j.Extension;

/** The plugin of the worker-JVM tests; it prints a line when initialized, to show when plugin code first runs. */
@Extension
public class SampleWorker implements TaskWorker {

    static final String INITIALIZED = "SampleWorker initialized";

    static {
        System.out.println(INITIALIZED);
    }

    public record Mail(long user_id, String locale) {
    }

    public Map<String, Object> _task_echo(Map<String, Object> params) {
        return params;
    }

    public long _task_pid() {
        return ProcessHandle.current().pid();
    }

    public void _task_noop() {
    }

    public String _task_mail(Mail mail) {
        return mail.locale() + ":" + mail.user_id();
    }
}
