package io.taskhost.host.plugins;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the catalog in step with plugins-dir: a rescan on every WatchService event, again shortly
 * after a file that was still being written, and periodically as a safety net for file systems
 * whose events are unreliable (NFS, some container mounts).
 */
public final class PluginsDirectoryWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginsDirectoryWatcher.class);
    private static final Duration SETTLE = Duration.ofMillis(200);
    private static final Duration STARTUP_SETTLE_LIMIT = Duration.ofSeconds(5);

    private final PluginCatalog catalog;
    private final Duration rescanInterval;
    private final WatchService watchService;
    private final Thread thread;
    private volatile boolean running = true;

    public PluginsDirectoryWatcher(PluginCatalog catalog, Duration rescanInterval) throws IOException {
        this.catalog = catalog;
        this.rescanInterval = rescanInterval;
        this.watchService = FileSystems.getDefault().newWatchService();
        catalog.directory().register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = new Thread(this::watch, "plugins-dir-watcher");
        this.thread.setDaemon(true);
    }

    /** Loads what plugins-dir holds, waiting briefly for files still being written, then watches. */
    public void start() {
        catalog.rescanSettled(STARTUP_SETTLE_LIMIT);
        thread.start();
    }

    private void watch() {
        boolean pending = false;
        while (running) {
            try {
                long waitMillis = pending ? SETTLE.toMillis() : rescanInterval.toMillis();
                WatchKey key = watchService.poll(waitMillis, TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
                pending = catalog.rescan();
            } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                log.error("rescanning plugins-dir {} failed; retrying in {}", catalog.directory(), rescanInterval, e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        watchService.close();
        thread.interrupt();
    }
}
