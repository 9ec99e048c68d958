package io.taskhost.worker;

import io.taskhost.api.TaskWorker;
import io.taskhost.api.UnrecoverableTaskException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;

/** Calls the operation an assignment names and turns what happens into an outcome. */
final class OperationCall {

    private final ParamsBinder binder;
    private final ResultEncoder results;
    private final ClassLoader plugin;
    private final ProcessIds ids;
    /** The resolved operations by class name, then method name; only the worker's main thread uses it. */
    private final Map<String, Map<String, Target>> targets = new HashMap<>();

    OperationCall(ParamsBinder binder, ResultEncoder results, ClassLoader plugin, ProcessIds ids) {
        this.binder = binder;
        this.results = results;
        this.plugin = plugin;
        this.ids = ids;
    }

    ClassLoader plugin() {
        return plugin;
    }

    Outcome run(Assignment assignment) {
        long startedAt = System.currentTimeMillis();
        try {
            String resultJson = results.encode(invoke(assignment));
            return new Outcome(true, resultJson, null, startedAt, System.currentTimeMillis(), pid(), false);
        } catch (Throwable failure) {
            return new Outcome(false, null, WorkerReport.ErrorInfo.of(failure), startedAt,
                    System.currentTimeMillis(), pid(), failure instanceof UnrecoverableTaskException);
        }
    }

    private Object invoke(Assignment assignment) throws Throwable {
        Target target = target(assignment.javaClass(), assignment.method());
        Object worker = target.constructor().newInstance();
        var context = new WorkerContext(assignment, new StderrLogger(target.type().getName(), System.err));
        Object[] args = binder.bind(target.parameterTypes(), assignment.paramsJson(), context);
        try {
            return target.operation().invoke(worker, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * The class, operation and constructor a task names, looked up once per class and method: a
     * reused worker runs thousands of tasks of the same few operations, and each lookup copied every
     * public method of the class. Only what resolved is kept, so a class that failed fails again the
     * same way for the next task.
     */
    private Target target(String javaClass, String method) throws ReflectiveOperationException {
        Map<String, Target> byMethod = targets.get(javaClass);
        Target target = byMethod == null ? null : byMethod.get(method);
        if (target == null) {
            target = resolve(javaClass, method);
            if (byMethod == null) {
                // No lambda: a worker's first lambda costs it generated classes.
                byMethod = new HashMap<>();
                targets.put(javaClass, byMethod);
            }
            byMethod.put(method, target);
        }
        return target;
    }

    private Target resolve(String javaClass, String name) throws ReflectiveOperationException {
        Class<?> type = Class.forName(javaClass, true, plugin);
        if (!TaskWorker.class.isAssignableFrom(type)) {
            throw new IllegalStateException(javaClass + " is not a TaskWorker");
        }
        Method operation = findOperation(type, name);
        Constructor<?> constructor = type.getConstructor();
        skipAccessChecks(operation);
        skipAccessChecks(constructor);
        return new Target(type, operation, constructor, operation.getGenericParameterTypes());
    }

    /**
     * Spares each call reflection's access check, which walks the stack for its caller, where the
     * check could only pass: a public member of a public class of an unnamed module, as every class
     * on a worker's class path is. Any other member keeps its check, and fails it as before.
     */
    private static void skipAccessChecks(Executable member) {
        Class<?> declaring = member.getDeclaringClass();
        if (Modifier.isPublic(member.getModifiers()) && Modifier.isPublic(declaring.getModifiers())
                && !declaring.getModule().isNamed()) {
            member.trySetAccessible();
        }
    }

    private static Method findOperation(Class<?> type, String name) throws NoSuchMethodException {
        for (Method method : type.getMethods()) {
            if (method.getName().equals(name) && Operations.isOperation(method)) {
                return method;
            }
        }
        throw new NoSuchMethodException(type.getName() + " has no public operation " + name);
    }

    /** What a task of one operation needs from reflection. */
    private record Target(Class<?> type, Method operation, Constructor<?> constructor, Type[] parameterTypes) {
    }

    private long pid() {
        return ids.pid();
    }
}
