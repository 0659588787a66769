package dev.heartbeat.support;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A small text file read whole, as {@code Files.readString} reads it (malformed UTF-8 is an error, not replaced),
 * through {@code java.io}: {@code Files} opens a channel, whose two dozen classes the JDK's class-data archive does
 * not hold, ~4 ms of CPU for a command whose only file read this is (agent.yaml's, before an inspection).
 */
public final class TextFiles {
    private TextFiles() {}

    public static String readUtf8(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = new FileInputStream(file.toFile())) {
            bytes = in.readAllBytes();
        }
        return StandardCharsets.UTF_8
                .newDecoder()
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }
}
