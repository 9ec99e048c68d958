package io.taskhost.host.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;

/**
 * {@code %printableEx} in a logback pattern: the stack trace as {@code %ex} prints it, one line
 * per frame, but with the control characters of every message, class and frame escaped. An
 * exception's message can quote a payload or a jar's contents, and a line break in it would
 * otherwise start a line of the log's own format.
 */
public final class PrintableThrowableConverter extends ThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy throwable) {
        return super.throwableProxyToString(PrintableThrowableProxy.of(throwable));
    }
}
