package dev.heartbeat.notify;

import dev.heartbeat.audit.Decision.NotificationRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** {@code type: file}: one JSON line per notification, appended to {@code path}. */
final class FileChannel implements NotifyChannel {
    private final Path file;

    FileChannel(Path file) {
        this.file = file;
    }

    @Override
    public NotificationRecord deliver(Delivery d) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(
                file, d.payload() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new NotificationRecord(d.channel(), d.severity(), "sent", "appended to " + file);
    }
}
