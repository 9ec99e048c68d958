package io.taskhost.worker;

import io.taskhost.api.TaskClass;
import io.taskhost.api.TaskOptions;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.Map;

/**
 * A class whose annotations hold every kind of value, one of them an enum with a static initialiser; kept
 * out of test classes, whose annotations JUnit reads by reflection.
 */
@AnnotatedSample.Everything(level = AnnotatedSample.Level.LOW, type = Map.class, big = 1L << 40, ratio = 0.5,
        numbers = {1, 2}, nested = @TaskClass("Inner"))
@TaskClass({"Sample", "SampleModel"})
@TaskOptions(timeout = "2m", maxAttempts = 3, maxHeap = "1g")
class AnnotatedSample {

    /** Set by {@link Level}'s static initialiser, which reading annotations from a class file must never run. */
    static final class Touched {
        static boolean level;
    }

    enum Level {
        LOW;

        static {
            Touched.level = true;
        }
    }

    @Retention(RetentionPolicy.RUNTIME)
    @interface Everything {
        Level level();

        Class<?> type();

        long big();

        double ratio();

        int[] numbers();

        TaskClass nested();
    }

    @TaskOptions(maxHeap = "512m")
    @Everything(level = Level.LOW, type = Object.class, big = 1, ratio = 1, numbers = {}, nested = @TaskClass({}))
    public String _task_run(Map<String, Object> params) {
        return "map";
    }

    public String _task_run(String params) {
        return "string";
    }
}
