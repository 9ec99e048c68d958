package io.taskhost.host.outcomes;

/** The start of a long text, for records that others store and read, with a note of how long it was. */
public final class Excerpt {

    private Excerpt() {
    }

    /** {@code text} itself if it has at most {@code maxChars} characters, else its start and a note; null stays null. */
    public static String of(String text, int maxChars) {
        if (text == null || text.length() <= maxChars) {
            return text;
        }
        int end = maxChars;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + " … [truncated, " + text.length() + " characters in all]";
    }
}
