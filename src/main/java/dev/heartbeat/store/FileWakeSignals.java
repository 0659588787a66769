package dev.heartbeat.store;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wake signals beside a SQLite file: a request touches {@code NAME.db.wake}, and the daemon watches the folder
 * (inotify on Linux: no polling) and hears the change at once.
 */
final class FileWakeSignals implements WakeSignals {
    private static final Logger LOG = LoggerFactory.getLogger(FileWakeSignals.class);

    private final WatchService watcher;
    private final Thread thread;

    private FileWakeSignals(WatchService watcher, Path signal, Runnable onWake) {
        this.watcher = watcher;
        this.thread = new Thread(() -> listen(signal, onWake), "wake-signals");
        thread.setDaemon(true);
    }

    /** The file a wake request touches for the database {@code db}. */
    static Path signalFile(Path db) {
        return db.toAbsolutePath().resolveSibling(db.getFileName() + ".wake");
    }

    /** Touches the signal file: a watching daemon takes the stored request at once. */
    static void signal(Path db, String agent) throws IOException {
        Files.writeString(
                signalFile(db),
                agent + "\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    static WakeSignals watch(Path db, Runnable onWake) throws IOException {
        Path signal = signalFile(db);
        WatchService watcher = FileSystems.getDefault().newWatchService();
        try {
            Objects.requireNonNull(signal.getParent(), "an absolute path has a folder")
                    .register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException | RuntimeException e) {
            watcher.close();
            throw e;
        }
        FileWakeSignals signals = new FileWakeSignals(watcher, signal, onWake);
        signals.thread.start();
        return signals;
    }

    private void listen(Path signal, Runnable onWake) {
        Path name = signal.getFileName();
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean woken = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    woken |= event.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(event.context());
                }
                key.reset();
                if (woken) {
                    onWake.run();
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed: the daemon stops
        } catch (RuntimeException e) {
            LOG.warn(
                    "watching {} for wake requests stopped ({}); the daemon's poll still takes them",
                    signal,
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("closing the wake watcher: {}", e.getMessage());
        }
    }
}
