package io.taskhost.host.launch;

import io.taskhost.host.sandbox.Confinement;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * How one worker JVM is wrapped: the start of its command line, made for its scratch directory.
 *
 * @param sandbox   the sandbox's name, as the outcome records of its tasks say
 * @param hidesHost whether the worker cannot see the host's pid, as in a pid namespace of its own
 * @param prefixFor the command line before {@code java}, given the worker's scratch directory
 * @param limits    its limits, closed once it has exited
 */
record WorkerWrapper(String sandbox, boolean hidesHost, Function<Path, List<String>> prefixFor, Confinement limits) {
}
