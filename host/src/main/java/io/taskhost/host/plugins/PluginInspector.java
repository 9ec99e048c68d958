package io.taskhost.host.plugins;

import io.taskhost.host.limits.RunLimits;
import io.taskhost.worker.PluginReadException;
import io.taskhost.worker.PluginReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trial load: a jar becomes routable only after its descriptor has been read and its TaskWorker classes
 * and {@code _task_} operations listed, by the reader the testkit uses too. No plugin code runs in the host:
 * classes are loaded but never initialised, and a Plugin-Class is never loaded at all. Its code runs only in
 * worker JVMs.
 */
final class PluginInspector {

    private static final Logger log = LoggerFactory.getLogger(PluginInspector.class);

    private final PluginReader reader;
    /** The jar versions whose warnings were logged: once per version is enough. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    PluginInspector() {
        this(PluginReader.forThisRuntime());
    }

    PluginInspector(PluginReader reader) {
        this.reader = reader;
    }

    PluginJar inspect(Path source, JarCache.CachedJar jar) throws PluginRejectedException {
        PluginReader.Contents contents;
        try {
            contents = reader.read(jar.path(), List.of());
        } catch (PluginReadException e) {
            throw new PluginRejectedException(source, e.getMessage(), e);
        }
        PluginReader.Descriptor descriptor = contents.descriptor();
        if (warned.add(jar.sha256())) {
            contents.warnings().forEach(warning -> log.warn("{}: {}", source.getFileName(), warning));
        }
        if (contents.workers().isEmpty()) {
            throw new PluginRejectedException(source, "plugin " + descriptor.id() + " has no usable TaskWorker class;"
                    + " a TaskWorker must be a public class with a public no-argument constructor, annotated with"
                    + " @Extension and indexed by pf4j's annotation processor (META-INF/extensions.idx; on JDK 23+"
                    + " configure annotationProcessorPaths, or the index is silently missing)");
        }
        List<WorkerClass> workers = new ArrayList<>();
        for (PluginReader.Worker worker : contents.workers()) {
            SortedMap<String, WorkerClass.Operation> operations = new TreeMap<>();
            worker.operations().forEach((name, operation) -> operations.put(name, new WorkerClass.Operation(
                    operation.method(), new RunLimits(operation.timeout(), operation.maxAttempts(),
                    operation.maxHeap()), operation.schedule())));
            workers.add(new WorkerClass(worker.javaClass(), worker.names(), operations));
        }
        return new PluginJar(descriptor.id(), descriptor.version(), jar.sha256(), source, jar.path(),
                List.copyOf(workers));
    }
}
