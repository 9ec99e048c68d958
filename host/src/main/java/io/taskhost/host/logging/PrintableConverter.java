package io.taskhost.host.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;

/**
 * {@code %printable(...)} in a logback pattern: whatever the enclosed conversions yield (the
 * message, the MDC, the thread) with its control characters escaped, so one event is one line
 * whatever a payload or a plugin put into it. {@code conf/logback.xml} wraps everything but the
 * line break and the stack trace in it.
 */
public final class PrintableConverter extends CompositeConverter<ILoggingEvent> {

    @Override
    protected String transform(ILoggingEvent event, String in) {
        return ControlCharacters.escape(in);
    }
}
