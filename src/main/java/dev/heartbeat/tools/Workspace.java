package dev.heartbeat.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The folder the file tools are confined to. A path is accepted only if, with {@code ..} collapsed and
 * every symlink resolved, it still lies inside; files with more than one hard link are refused too,
 * since a hard link can make a file outside look like one inside.
 */
public final class Workspace {
    private final Path root;

    public Workspace(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    private Path realRoot() throws ToolFailure {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw ToolFailure.error("the workspace " + root + " does not exist");
        }
    }

    /** The real path of an existing file or folder inside the workspace. */
    public Path existing(String relative) throws ToolFailure {
        Path candidate = lexical(relative);
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
            throw ToolFailure.error("'" + relative + "' does not exist in the workspace; list_files shows what does");
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException e) {
            throw ToolFailure.error("'" + relative + "' cannot be resolved: " + e.getMessage());
        }
        inside(relative, real);
        refuseHardLinks(relative, real);
        return real;
    }

    /** A path to write: the file may not exist yet, but the nearest existing folder above it must be inside. */
    public Path writable(String relative) throws ToolFailure {
        Path candidate = lexical(relative);
        if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
            Path real = existing(relative);
            if (Files.isDirectory(real)) {
                throw ToolFailure.error("'" + relative + "' is a folder; name a file");
            }
            return real;
        }
        Path parent = candidate.getParent();
        while (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
            parent = parent.getParent();
        }
        if (parent == null) {
            throw ToolFailure.refused("'" + relative + "' is outside the workspace");
        }
        try {
            inside(relative, parent.toRealPath());
        } catch (IOException e) {
            throw ToolFailure.error("'" + relative + "' cannot be resolved: " + e.getMessage());
        }
        return candidate;
    }

    /**
     * Writes {@code content} to {@code relative} (checked with {@link #writable} first) through handles on its
     * folders opened without following links, so a folder swapped for a link to elsewhere between the check
     * and the write cannot redirect it: a temporary file in that folder, forced to disk, then renamed over the
     * target relative to the same handle.
     */
    public void writeAtomically(String relative, byte[] content) throws ToolFailure, IOException {
        Path target = lexical(relative);
        try (SecureDirectoryStream<Path> folder = folder(relative, target, true)) {
            Path name = target.getFileName();
            Path temp = Path.of(".write-"
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try (SeekableByteChannel out = folder.newByteChannel(
                    temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
                write(out, content);
            } catch (IOException | RuntimeException e) {
                folder.deleteFile(temp);
                throw e;
            }
            folder.move(temp, folder, name);
        }
        FileTools.syncFolder(Objects.requireNonNull(target.getParent(), "a file in the workspace has a folder"));
    }

    /** Appends to {@code relative} the same way: the file itself is opened without following a link. */
    public void appendSafely(String relative, byte[] bytes) throws ToolFailure, IOException {
        Path target = lexical(relative);
        try (SecureDirectoryStream<Path> folder = folder(relative, target, true);
                SeekableByteChannel out = folder.newByteChannel(
                        target.getFileName(),
                        Set.of(
                                StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS))) {
            write(out, bytes);
        } catch (FileSystemException e) {
            if (e.getMessage() != null && e.getMessage().contains("links")) {
                throw ToolFailure.refused("'" + relative + "' is a symbolic link; links are not written through");
            }
            throw e;
        }
    }

    private static void write(SeekableByteChannel out, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        if (out instanceof FileChannel file) {
            file.force(true);
        }
    }

    /** The folder of {@code target}, opened component by component from the workspace without following links. */
    private SecureDirectoryStream<Path> folder(String relative, Path target, boolean create)
            throws ToolFailure, IOException {
        DirectoryStream<Path> top = Files.newDirectoryStream(realRoot());
        if (!(top instanceof SecureDirectoryStream<Path> folder)) {
            top.close();
            throw ToolFailure.error("this file system cannot open folders without following links; writing is off");
        }
        Path inside = root.relativize(target).getParent();
        Path at = realRoot();
        if (inside != null) {
            for (Path part : inside) {
                at = at.resolve(part);
                SecureDirectoryStream<Path> next;
                try {
                    next = folder.newDirectoryStream(part, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    if (!create) {
                        folder.close();
                        throw e;
                    }
                    try {
                        Files.createDirectory(at);
                    } catch (FileAlreadyExistsException raced) {
                        // made meanwhile: opened below, without following links, like any other
                    }
                    try {
                        next = folder.newDirectoryStream(part, LinkOption.NOFOLLOW_LINKS);
                    } catch (IOException e2) {
                        folder.close();
                        throw ToolFailure.refused("'" + relative + "': the folder " + part + " changed while it was "
                                + "being written; refused");
                    }
                } catch (FileSystemException e) {
                    folder.close();
                    throw ToolFailure.refused("'" + relative + "': " + part + " is not a folder of the workspace (a "
                            + "symbolic link, or a file); only files inside it can be written");
                }
                folder.close();
                folder = next;
            }
        }
        return folder;
    }

    private Path lexical(String relative) throws ToolFailure {
        if (relative == null || relative.isBlank()) {
            throw ToolFailure.error("a path is required, relative to the workspace (such as NOTES.md)");
        }
        if (relative.indexOf('\0') >= 0) {
            throw ToolFailure.refused("the path contains a NUL character");
        }
        Path given;
        try {
            given = Path.of(relative);
        } catch (InvalidPathException e) {
            throw ToolFailure.refused("'" + relative + "' is not a valid path");
        }
        if (given.isAbsolute()) {
            throw ToolFailure.refused("absolute paths are refused ('" + relative + "'); give a path relative to "
                    + "the workspace, such as NOTES.md or reports/today.md");
        }
        Path candidate = root.resolve(given).normalize();
        if (!candidate.startsWith(root)) {
            throw ToolFailure.refused("'" + relative + "' leaves the workspace; only files inside it can be used");
        }
        return candidate;
    }

    private void inside(String relative, Path real) throws ToolFailure {
        if (!real.startsWith(realRoot())) {
            throw ToolFailure.refused("'" + relative + "' resolves (through a symbolic link) to a place outside "
                    + "the workspace; only files inside it can be used");
        }
    }

    private static void refuseHardLinks(String relative, Path real) throws ToolFailure {
        if (!Files.isRegularFile(real)) {
            return;
        }
        try {
            Object links = Files.getAttribute(real, "unix:nlink");
            if (links instanceof Integer n && n > 1) {
                throw ToolFailure.refused("'" + relative + "' has " + n + " hard links, so it may be a file from "
                        + "outside the workspace; it is refused");
            }
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            // No unix view on this file system: symlink and path checks still apply.
        }
    }

    /** The path as the model should see it: relative to the workspace, with forward slashes. */
    public String display(Path path) {
        Path rel;
        try {
            rel = realRoot().relativize(path);
        } catch (ToolFailure | IllegalArgumentException e) {
            rel = root.relativize(path);
        }
        String s = rel.toString().replace('\\', '/');
        return s.isEmpty() ? "." : s;
    }
}
