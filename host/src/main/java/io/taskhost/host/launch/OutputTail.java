package io.taskhost.host.launch;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last lines a worker wrote, which explain its death in an outcome's reason: at most 20
 * lines and 4 KiB of text, so that a chatty worker cannot make a reason large. The newest lines
 * are kept; a line longer than the budget keeps its start and its end, where the reader's note of
 * its real length is.
 */
final class OutputTail {

    static final int MAX_LINES = 20;
    static final int MAX_CHARS = 4096;
    private static final int KEPT_END = 80;

    private final Deque<String> lines = new ArrayDeque<>();
    private int chars;

    synchronized void add(String line) {
        String kept = line.length() <= MAX_CHARS ? line
                : line.substring(0, MAX_CHARS - KEPT_END - 3) + " … " + line.substring(line.length() - KEPT_END);
        lines.addLast(kept);
        chars += kept.length();
        while (lines.size() > MAX_LINES || (chars > MAX_CHARS && lines.size() > 1)) {
            chars -= lines.removeFirst().length();
        }
    }

    synchronized void addAll(OutputTail other) {
        for (String line : other.lines()) {
            add(line);
        }
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
