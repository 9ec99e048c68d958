package io.taskhost.host.sandbox;

import java.util.List;
import java.util.Optional;

/** Limits that the command prefix sets alone, and that leave nothing to read or remove: rlimits, or none. */
record PrefixConfinement(List<String> commandPrefix) implements Confinement {

    PrefixConfinement {
        commandPrefix = List.copyOf(commandPrefix);
    }

    @Override
    public Optional<String> limitReached() {
        return Optional.empty();
    }

    @Override
    public void close() {
    }
}
