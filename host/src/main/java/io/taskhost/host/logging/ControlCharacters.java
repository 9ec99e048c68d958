package io.taskhost.host.logging;

/**
 * Makes text that payloads, plugins or workers chose safe to print on one line of a log or a
 * terminal: every control character except tab becomes a visible escape ({@code \n}, {@code \r},
 * {@code \u001b}, ...), so that a task's class cannot forge a log line nor send a terminal an
 * escape sequence. So do the Unicode line and paragraph separators and the bidirectional
 * overrides and isolates, which reorder or break a line on screen. Every other character,
 * Chinese text included, stays as it is. A backslash is not escaped: an escape can be mistaken
 * for the same characters typed, but it cannot break a line.
 */
public final class ControlCharacters {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ControlCharacters() {
    }

    /** {@code text} on one line: line breaks are escaped too. {@code null} stays {@code null}. */
    public static String escape(String text) {
        return escape(text, false);
    }

    /**
     * {@code text} with its {@code \n} line breaks kept, for blocks of several lines; a
     * {@code \r} is still escaped, since it would overwrite the line on a terminal.
     */
    public static String escapeKeepingLines(String text) {
        return escape(text, true);
    }

    /** Whether {@link #escape} replaces {@code c}. */
    public static boolean isEscaped(char c) {
        return (Character.getType(c) == Character.CONTROL && c != '\t')
                || c == '\u2028' || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }

    private static String escape(String text, boolean keepLines) {
        if (text == null) {
            return null;
        }
        int first = firstEscaped(text, keepLines);
        if (first < 0) {
            return text;
        }
        var escaped = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isEscaped(c) || (keepLines && c == '\n')) {
                escaped.append(c);
            } else if (c == '\n') {
                escaped.append("\\n");
            } else if (c == '\r') {
                escaped.append("\\r");
            } else {
                escaped.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                        .append(HEX[c & 0xf]);
            }
        }
        return escaped.toString();
    }

    private static int firstEscaped(String text, boolean keepLines) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isEscaped(c) && !(keepLines && c == '\n')) {
                return i;
            }
        }
        return -1;
    }
}
