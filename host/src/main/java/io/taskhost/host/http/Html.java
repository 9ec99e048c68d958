package io.taskhost.host.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The dashboard's one escaping helper: every text that reaches a page, from a payload, a plugin,
 * Redis or a request, passes through {@link #text}, so that {@code <script>} in a payload shows as
 * text. Control characters other than tab and line breaks are shown as a backslash-u escape.
 */
final class Html {

    private Html() {
    }

    /** {@code value} safe inside an element and inside a quoted attribute; null becomes an empty string. */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        var escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                case '\t', '\n', '\r' -> escaped.append(c);
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    /** {@code value} as one component of a URL's query, escaped for an attribute too. */
    static String query(String value) {
        return text(URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8));
    }
}
