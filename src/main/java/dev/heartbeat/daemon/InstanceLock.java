package dev.heartbeat.daemon;

import dev.heartbeat.support.Host;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One writer per store: an OS file lock on a file beside the database, holding the owner's pid. The
 * OS releases it when the process dies, even by {@code kill -9}, so a stale lock never blocks a restart.
 */
public final class InstanceLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;
    private final Path file;

    private InstanceLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** How a {@code --once} beat names itself in the lock file, so others can tell it from a daemon. */
    public static String onceHolder() {
        return ONCE + "(pid " + ProcessHandle.current().pid() + " on " + Host.name() + ")";
    }

    private static final String ONCE = "a --once beat ";

    /** Whether the holder named in the lock file is a {@code --once} beat, not a daemon. */
    public static boolean isOnce(String holder) {
        return holder != null && holder.startsWith(ONCE);
    }

    public static Path fileFor(Path database) {
        return database.resolveSibling(database.getFileName() + ".lock");
    }

    /** Takes the lock, or returns the pid written by the process that holds it. */
    public static Result acquire(Path database, String holder) throws IOException {
        Path file = fileFor(database);
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            String owner = readOwner(channel);
            channel.close();
            return new Result(Optional.empty(), owner);
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(true);
        return new Result(Optional.of(new InstanceLock(file, channel, lock)), holder);
    }

    private static String readOwner(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(256);
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
    }

    /** The lock if taken; otherwise who holds it. */
    public record Result(Optional<InstanceLock> lock, String owner) {}

    /** Who holds the lock on this database right now, if anyone (read without taking it for long). */
    public static Optional<String> holder(Path database) {
        Path file = fileFor(database);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock probe;
            try {
                probe = channel.tryLock(0, Long.MAX_VALUE, false);
            } catch (OverlappingFileLockException e) {
                return Optional.of("this process");
            }
            if (probe != null) {
                probe.release();
                return Optional.empty();
            }
            return Optional.of(readOwner(channel));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
