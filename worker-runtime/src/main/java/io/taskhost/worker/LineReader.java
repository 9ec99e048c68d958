package io.taskhost.worker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Splits a worker's output into lines without ever holding more of one line than its cap: the
 * rest of a longer line is read and counted, not kept. A line that starts like a report
 * ({@link WorkerProtocol#isReportStart}) may be longer than other lines, up to the report cap.
 */
final class LineReader {

    private static final int CHUNK = 8192;

    private final int lineCap;
    private final int reportCap;
    private byte[] kept = new byte[CHUNK];
    private int size;
    private long length;

    LineReader(int lineCap, int reportCap) {
        this.lineCap = lineCap;
        this.reportCap = Math.max(lineCap, reportCap);
    }

    /** Reads {@code in} to its end, passing on every line that is not empty. */
    void read(InputStream in, Consumer<OutputLine> onLine) throws IOException {
        byte[] chunk = new byte[CHUNK];
        int read;
        while ((read = in.read(chunk)) >= 0) {
            int from = 0;
            for (int i = 0; i < read; i++) {
                if (chunk[i] == '\n') {
                    append(chunk, from, i - from);
                    emit(onLine);
                    from = i + 1;
                }
            }
            append(chunk, from, read - from);
        }
        emit(onLine);
    }

    private void append(byte[] bytes, int offset, int count) {
        length += count;
        while (count > 0) {
            int room = cap() - size;
            if (room <= 0) {
                return;
            }
            int taken = Math.min(room, count);
            if (size + taken > kept.length) {
                kept = Arrays.copyOf(kept, Math.min(cap(), Math.max(kept.length * 2, size + taken)));
            }
            System.arraycopy(bytes, offset, kept, size, taken);
            size += taken;
            offset += taken;
            count -= taken;
        }
    }

    private int cap() {
        return WorkerProtocol.isReportStart(kept, size) ? reportCap : lineCap;
    }

    private void emit(Consumer<OutputLine> onLine) {
        long bytes = length;
        int end = size;
        boolean cut = bytes > size;
        if (!cut && end > 0 && kept[end - 1] == '\r') {
            end--;
            bytes--;
        }
        if (cut) {
            while (end > 0 && (kept[end - 1] & 0xC0) == 0x80) {
                end--;
            }
            if (end > 0 && (kept[end - 1] & 0x80) != 0) {
                end--;
            }
        }
        String text = new String(kept, 0, end, StandardCharsets.UTF_8);
        size = 0;
        length = 0;
        if (kept.length > CHUNK * 8) {
            kept = new byte[CHUNK];
        }
        if (bytes > 0) {
            onLine.accept(new OutputLine(text, bytes, cut));
        }
    }
}
