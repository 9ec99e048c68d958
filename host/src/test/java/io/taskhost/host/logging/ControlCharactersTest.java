package io.taskhost.host.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ControlCharactersTest {

    @Test
    void lineBreaksEscapesAndEveryOtherControlCharacterButTabBecomeVisibleEscapes() {
        assertEquals("a\\nb\\rc\\u001b[31md\\u0000e\\u007ff\\u0085g\\u009bh\\u0007i\\u000bj\\u000ck",
                ControlCharacters.escape("a\nb\rc\u001b[31md\u0000e\u007ff\u0085g\u009bh\u0007i\u000bj\u000ck"));
        assertEquals("tab\tstays", ControlCharacters.escape("tab\tstays"));
    }

    @Test
    void unicodeLineSeparatorsAndBidirectionalOverridesAreEscapedToo() {
        assertEquals("a\\u2028b\\u2029c\\u202ed\\u2066e\\u2069f",
                ControlCharacters.escape("a\u2028b\u2029c\u202ed\u2066e\u2069f"));
    }

    @Test
    void printableUnicodeStaysAsItIs() {
        String text = "任務失敗：找不到類別 Zoë 🚀 \\n is two characters, \u200d joins emoji";
        assertSame(text, ControlCharacters.escape(text));
    }

    @Test
    void blocksOfSeveralLinesKeepTheirLineBreaksButNoCarriageReturn() {
        assertEquals("first\nsecond\\r\nthird \\u001b[2J",
                ControlCharacters.escapeKeepingLines("first\nsecond\r\nthird \u001b[2J"));
    }

    @Test
    void nullStaysNull() {
        assertNull(ControlCharacters.escape(null));
    }
}
