package dev.heartbeat.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A configuration problem a user must fix: it names the key, the file and the line.
 * Thrown for user errors only, so the CLI prints the message and exits 2 without a stack trace.
 */
public final class ConfigException extends RuntimeException {
    private final @Nullable String key;
    private final Path file;
    private final int line;

    public ConfigException(@Nullable String key, Path file, int line, String problem) {
        super(format(key, file, line, problem));
        this.key = key;
        this.file = file;
        this.line = line;
    }

    private static String format(@Nullable String key, @Nullable Path file, int line, String problem) {
        StringBuilder where = new StringBuilder();
        where.append(file == null ? "configuration" : file.toString());
        if (line > 0) {
            where.append(':').append(line);
        }
        if (key != null && !key.isEmpty()) {
            return where + ": " + key + ": " + problem;
        }
        return where + ": " + problem;
    }

    public @Nullable String key() {
        return key;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }
}
