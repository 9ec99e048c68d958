package io.taskhost.host.sandbox;

/** Byte counts as people read them in a log line or an outcome. */
final class Sizes {

    private static final long MIB = 1024 * 1024;

    private Sizes() {
    }

    static String text(long bytes) {
        if (bytes % (1024 * MIB) == 0) {
            return bytes / (1024 * MIB) + " GiB";
        }
        if (bytes % MIB == 0) {
            return bytes / MIB + " MiB";
        }
        return bytes >= MIB ? String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) MIB) : bytes + " bytes";
    }
}
