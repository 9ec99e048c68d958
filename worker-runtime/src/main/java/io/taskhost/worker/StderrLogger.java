package io.taskhost.worker;

import java.io.PrintStream;
import java.text.MessageFormat;
import java.util.ResourceBundle;

/**
 * The logger a task gets from its context. The host reads the worker's stderr line by line and
 * logs each line with the task id and the plugin, so a level prefix is all a line needs here.
 */
final class StderrLogger implements System.Logger {

    private final String name;
    private final PrintStream err;

    StderrLogger(String name, PrintStream err) {
        this.name = name;
        this.err = err;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isLoggable(Level level) {
        return level != Level.OFF && level.getSeverity() >= Level.DEBUG.getSeverity();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        if (!isLoggable(level)) {
            return;
        }
        synchronized (err) {
            err.println(level.getName() + ' ' + msg);
            if (thrown != null) {
                thrown.printStackTrace(err);
            }
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        log(level, bundle, params == null || params.length == 0 ? format : MessageFormat.format(format, params),
                (Throwable) null);
    }
}
