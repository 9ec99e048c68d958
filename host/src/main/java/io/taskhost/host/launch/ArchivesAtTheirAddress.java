package io.taskhost.host.launch;

import java.util.List;
import java.util.OptionalInt;

/**
 * Maps class-data archives (the JDK's own and a plugin's) at the address they were written for, rather than at
 * a random one with every pointer in them rewritten: the JDKs tried here relocate by default
 * ({@code ArchiveRelocationMode=1}), and relocating cost a bare worker start about a tenth of its CPU and one
 * with a plugin's archive a quarter (JDK 17.0.15, 20 runs interleaved: 137 against 103 ms). A random address
 * hardens a process whose code an attacker does not choose; a worker JVM runs a plugin's code, which reaches
 * its whole process anyway ({@code sun.misc.Unsafe}), so the sandbox around the JVM is what keeps it in. Where
 * that address is taken, the JVM still relocates.
 *
 * <p>Only to the JDK versions it was tried on: the option is diagnostic, and a JVM refuses to start on an
 * option it does not know.
 */
final class ArchivesAtTheirAddress {

    private static final List<String> OPTIONS = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");
    static final int OLDEST_TRIED = 17;
    static final int NEWEST_TRIED = 25;

    private ArchivesAtTheirAddress() {
    }

    /** The options for a worker JDK of {@code feature} version; none when it is unknown or untried. */
    static List<String> forJdk(OptionalInt feature) {
        boolean tried = feature.isPresent() && feature.getAsInt() >= OLDEST_TRIED && feature.getAsInt() <= NEWEST_TRIED;
        return tried ? OPTIONS : List.of();
    }
}
