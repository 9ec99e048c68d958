package io.taskhost.host.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * JVM options that keep a worker JVM from waking itself several times a second while it waits for a task: on
 * this kind of machine a wake-up costs a few hundred microseconds of CPU whatever it does, and a warm spare
 * waits most of its life. A JDK 17 JVM wakes about ten times a second for nothing (JDK 25: seven): G1's
 * service thread samples remembered sets every 300 ms (JDK 17 to 19) and looks every second whether a
 * periodic collection was asked for since, the monitor-deflation thread looks every 250 ms, and the VM
 * thread every second whether a safepoint is due (JDK 17; 25 no longer does).
 *
 * <p>They go only to the JDK versions they were tried on: a JVM refuses to start on an option it does not
 * know, and a diagnostic option may go in any release. Workers of another version, or of a JDK the host
 * has not probed (with {@code --class-data-sharing=false}), start without them and wake as before.
 */
final class QuietWhileWaiting {

    /** Every version tried: monitor deflation and G1's periodic check once every so often, no timed safepoints. */
    private static final List<String> EVERY_VERSION = List.of("-XX:+UnlockDiagnosticVMOptions",
            "-XX:AsyncDeflationInterval=5000", "-XX:GuaranteedSafepointInterval=0",
            // With an interval, G1 looks again after it rather than every second; an idle worker collects
            // once an hour instead of never, giving heap back to the system.
            "-XX:G1PeriodicGCInterval=3600000");
    /** With G1's remembered-set sampling spaced out too: the option went in JDK 20 with the sampling. */
    private static final List<String> BEFORE_JDK_20 = concat(EVERY_VERSION,
            "-XX:G1ConcRefinementServiceIntervalMillis=5000");
    static final int OLDEST_TRIED = 17;
    static final int NEWEST_TRIED = 25;

    private QuietWhileWaiting() {
    }

    /** The options for a worker JDK of {@code feature} version; none when it is unknown or untried. */
    static List<String> forJdk(OptionalInt feature) {
        if (feature.isEmpty() || feature.getAsInt() < OLDEST_TRIED || feature.getAsInt() > NEWEST_TRIED) {
            return List.of();
        }
        return feature.getAsInt() < 20 ? BEFORE_JDK_20 : EVERY_VERSION;
    }

    private static List<String> concat(List<String> options, String option) {
        List<String> all = new ArrayList<>(options);
        all.add(option);
        return List.copyOf(all);
    }
}
