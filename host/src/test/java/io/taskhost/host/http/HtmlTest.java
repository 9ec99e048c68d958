package io.taskhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The dashboard's one escaping helper. */
class HtmlTest {

    @Test
    void markupQuotesAndAmpersandsBecomeEntities() {
        assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", Html.text("<script>alert('x')</script>"));
        assertEquals("&lt;img src=&quot;x&quot; onerror=&quot;y&quot;&gt;", Html.text("<img src=\"x\" onerror=\"y\">"));
        assertEquals("a &amp;amp; b", Html.text("a &amp; b"));
    }

    @Test
    void controlCharactersAreShownNotPassedOn() {
        assertEquals("a\\u0000b\\u001bc\\u2028", Html.text("a\u0000b\u001bc\u2028"));
        assertEquals("line\nnext\ttab", Html.text("line\nnext\ttab"));
    }

    @Test
    void nullIsEmptyAndAQueryIsEncodedThenEscaped() {
        assertEquals("", Html.text(null));
        assertEquals("a%26b%3D%3Cc%3E", Html.query("a&b=<c>"));
    }
}
