package io.taskhost.worker;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads stdin a line at a time as bytes, for the UTF-8 JSON parser to decode: no Reader and no
 * charset decoder on a worker's start path.
 */
final class LineInput {

    private static final int INITIAL_BUFFER = 8192;

    private final InputStream in;
    private byte[] buffer = new byte[INITIAL_BUFFER];
    private int start;
    private int end;

    LineInput(InputStream in) {
        this.in = in;
    }

    /** The next line that is not empty, without its line feed, or {@code null} at the end of the input. */
    byte[] nextNonEmpty() throws IOException {
        byte[] line;
        do {
            line = next();
        } while (line != null && line.length == 0);
        return line;
    }

    private byte[] next() throws IOException {
        int scanned = start;
        while (true) {
            for (int i = scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    byte[] line = Arrays.copyOfRange(buffer, start, i);
                    start = i + 1;
                    return line;
                }
            }
            scanned = end;
            if (start > 0) {
                System.arraycopy(buffer, start, buffer, 0, end - start);
                scanned -= start;
                end -= start;
                start = 0;
            }
            if (end == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            int read = in.read(buffer, end, buffer.length - end);
            if (read < 0) {
                if (start == end) {
                    return null;
                }
                byte[] line = Arrays.copyOfRange(buffer, start, end);
                start = end;
                return line;
            }
            end += read;
        }
    }
}
