package dev.heartbeat.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The decision chain's head kept outside the database (a small file beside it), so a store whose newest
 * records were removed, which a hash chain alone cannot show, is caught: the store is behind its anchor.
 * Written after every decision; a crash between the commit and the write leaves the anchor one behind,
 * which is harmless (only a store behind its anchor is an error).
 */
public final class HeadAnchor {
    /** A chain head: the newest record's place in the log, its id and its hash. */
    public record Head(long seq, @Nullable String id, String hash) {
        /** "SEQ:HASH", as an operator keeps it and gives it back to {@code decisions verify --head}. */
        public String text() {
            return seq + ":" + hash;
        }

        /** Reads "SEQ:HASH" (the id is not needed to check it). */
        public static Head parse(String text) {
            int colon = text.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("expected SEQ:HASH, such as 42:9f86d08...");
            }
            try {
                return new Head(
                        Long.parseLong(text.substring(0, colon).strip()),
                        null,
                        text.substring(colon + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "expected SEQ:HASH, such as 42:9f86d08...; '" + text.substring(0, colon) + "' is not a number");
            }
        }
    }

    private final Path file;

    public HeadAnchor(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Replaces the anchored head, atomically: a reader sees the old head or the new one, never a torn line. */
    public void write(Head head) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, head.seq() + " " + head.id() + " " + head.hash() + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The anchored head, or empty when there is no anchor file (or it cannot be read as one). */
    public Optional<Head> read() {
        try {
            String[] parts =
                    Files.readString(file, StandardCharsets.UTF_8).strip().split("\\s+");
            return parts.length == 3
                    ? Optional.of(new Head(Long.parseLong(parts[0]), parts[1], parts[2]))
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
