package io.taskhost.host.cli;

import io.taskhost.worker.DurationText;
import java.time.Duration;
import picocli.CommandLine;

final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return DurationText.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
