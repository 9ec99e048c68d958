package io.taskhost.worker;

/**
 * One line a worker wrote, as much of it as its reader kept (see {@link WorkerProcess#readLines}).
 *
 * @param text  the kept part, without its line feed
 * @param bytes how long the line was, in bytes
 * @param cut   whether {@code text} is only the start of the line
 */
public record OutputLine(String text, long bytes, boolean cut) {

    /** The line as a log or an output tail shows it: at most {@link WorkerProcess#MAX_LINE_BYTES} characters, and a note if it was cut. */
    public String shown() {
        if (!cut && text.length() <= WorkerProcess.MAX_LINE_BYTES) {
            return text;
        }
        int end = Math.min(text.length(), WorkerProcess.MAX_LINE_BYTES);
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + " … [truncated, " + bytes + " bytes in all]";
    }
}
