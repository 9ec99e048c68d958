package io.taskhost.host.sandbox;

/** Byte counts as people read them in a log line or an outcome. */
final class Sizes {

    private static final long MIB = 1024 * 1024;

    private Sizes() {
    }

    /**
     * {@code 512m}, {@code 2g}, {@code 1048576k} or a plain byte count, as {@code -Xmx} takes sizes.
     *
     * @throws IllegalArgumentException for anything else
     */
    static long bytes(String size) {
        String value = size.trim();
        if (!value.matches("\\d+[kKmMgG]?")) {
            throw new IllegalArgumentException("not a size such as 512m or 2g: '" + size + "'");
        }
        char unit = Character.toLowerCase(value.charAt(value.length() - 1));
        long scale = switch (unit) {
            case 'k' -> 1024L;
            case 'm' -> MIB;
            case 'g' -> 1024 * MIB;
            default -> 1L;
        };
        String digits = Character.isDigit(unit) ? value : value.substring(0, value.length() - 1);
        return Math.multiplyExact(Long.parseLong(digits), scale);
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
