package io.taskhost.host.plugins;

import java.nio.file.Path;

/** A jar in plugins-dir that cannot be used; the message says why and what to do. */
final class PluginRejectedException extends Exception {

    PluginRejectedException(Path jar, String reason, Throwable cause) {
        super(jar.getFileName() + ": " + reason, cause);
    }

    PluginRejectedException(Path jar, String reason) {
        this(jar, reason, null);
    }
}
