package dev.heartbeat.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Everything the CLI prints passes through here: control characters (C0 but newline and tab, DEL, C1) are
 * written as {@code \}{@code uXXXX}, so text a model or a tool produced (a reason, a transcript, an answer)
 * cannot move the cursor, clear the screen or retitle the terminal. JSON stays valid: that is its own escape.
 */
final class TerminalSafeWriter extends FilterWriter {
    TerminalSafeWriter(Writer out) {
        super(out);
    }

    static boolean unsafe(char c) {
        return (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f);
    }

    @Override
    public void write(int c) throws IOException {
        if (unsafe((char) c)) {
            out.write(String.format("\\u%04x", c));
        } else {
            out.write(c);
        }
    }

    @Override
    public void write(char[] buffer, int offset, int length) throws IOException {
        int start = offset;
        for (int i = offset; i < offset + length; i++) {
            if (unsafe(buffer[i])) {
                out.write(buffer, start, i - start);
                out.write(String.format("\\u%04x", (int) buffer[i]));
                start = i + 1;
            }
        }
        out.write(buffer, start, offset + length - start);
    }

    @Override
    public void write(String text, int offset, int length) throws IOException {
        write(text.toCharArray(), offset, length);
    }
}
