package io.taskhost.worker;

import io.taskhost.api.TaskContext;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;

/**
 * Which methods of a TaskWorker are operations, and which parameter lists they may declare.
 * The host applies the same rules when it lists a plugin's operations as the worker does when
 * it runs one, so a task is only routed to a method that the worker can call.
 */
public final class Operations {

    public static final String METHOD_PREFIX = "_task_";

    private Operations() {
    }

    public static boolean isOperation(Method method) {
        return method.getName().startsWith(METHOD_PREFIX)
                && method.getName().length() > METHOD_PREFIX.length()
                && Modifier.isPublic(method.getModifiers())
                && !Modifier.isStatic(method.getModifiers());
    }

    public static String workerName(Method operation) {
        return operation.getName().substring(METHOD_PREFIX.length());
    }

    /** Why taskhost cannot call this operation, or empty when it can. */
    public static Optional<String> unsupportedSignature(Method operation) {
        Class<?>[] types = operation.getParameterTypes();
        int params = types.length;
        if (params > 0 && types[params - 1] == TaskContext.class) {
            params--;
        }
        for (int i = 0; i < params; i++) {
            if (types[i] == TaskContext.class) {
                return Optional.of("TaskContext must be the last parameter");
            }
        }
        if (params > 1) {
            return Optional.of("an operation takes at most one params argument, optionally followed by a TaskContext");
        }
        return Optional.empty();
    }
}
