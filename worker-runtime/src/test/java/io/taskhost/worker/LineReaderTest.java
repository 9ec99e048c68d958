package io.taskhost.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static List<OutputLine> read(InputStream in, int lineCap, int reportCap) throws IOException {
        List<OutputLine> lines = new ArrayList<>();
        new LineReader(lineCap, reportCap).read(in, lines::add);
        return lines;
    }

    private static List<OutputLine> read(String text, int lineCap, int reportCap) throws IOException {
        return read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), lineCap, reportCap);
    }

    @Test
    void shortLinesPassWholeAndEmptyOnesAreSkipped() throws IOException {
        List<OutputLine> lines = read("one\r\n\ntwo\nthree", 16, 64);
        assertEquals(List.of("one", "two", "three"), lines.stream().map(OutputLine::shown).toList());
        assertFalse(lines.get(0).cut());
    }

    @Test
    void aLineLongerThanItsCapIsCutAndTheNextLineIsWhole() throws IOException {
        List<OutputLine> lines = read("x".repeat(100) + "\nnext\n", 16, 64);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).cut());
        assertEquals(100, lines.get(0).bytes());
        assertEquals("x".repeat(16), lines.get(0).text());
        assertTrue(lines.get(0).shown().endsWith("[truncated, 100 bytes in all]"), lines.get(0).shown());
        assertEquals("next", lines.get(1).shown());
    }

    @Test
    void aLineOfSixtyFourMebibytesIsReadWithoutBeingHeld() throws IOException {
        long size = 64L << 20;
        InputStream endless = new InputStream() {
            long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 'y' : left == -1 ? '\n' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return left-- == 0 ? newline(b, off) : -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 'y');
                left -= n;
                return n;
            }

            private int newline(byte[] b, int off) {
                b[off] = '\n';
                return 1;
            }
        };
        List<OutputLine> lines = read(endless, WorkerProcess.MAX_LINE_BYTES, WorkerProtocol.MAX_REPORT_BYTES);
        assertEquals(1, lines.size());
        assertEquals(size, lines.get(0).bytes());
        assertEquals(WorkerProcess.MAX_LINE_BYTES, lines.get(0).text().length());
    }

    @Test
    void aReportLineMayBeLongerThanOtherLinesUpToItsOwnCap() throws IOException {
        String report = WorkerProtocol.reportLine("m", "{\"result\":\"" + "r".repeat(40) + "\"}");
        List<OutputLine> lines = read(report + "\n" + "z".repeat(100) + "\n", 24, 1000);
        assertFalse(lines.get(0).cut());
        assertEquals("{\"result\":\"" + "r".repeat(40) + "\"}", WorkerProtocol.reportJson("m", lines.get(0).text()).get());
        assertTrue(lines.get(1).cut());

        OutputLine tooLong = read(report + "\n", 24, 40).get(0);
        assertTrue(tooLong.cut());
        assertEquals(report.length(), tooLong.bytes());
        assertTrue(WorkerProtocol.reportJson("m", tooLong.text()).isPresent(), "still known as a report");
    }

    @Test
    void aCutNeverSplitsACharacter() throws IOException {
        OutputLine line = read("é".repeat(20) + "\n", 15, 15).get(0);
        assertTrue(line.cut());
        assertEquals("é".repeat(7), line.text());
    }
}
