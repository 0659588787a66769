package dev.heartbeat.store;

import dev.heartbeat.support.TextFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

/**
 * sqlite-jdbc's native library, extracted once per driver version and platform into the store's folder and
 * loaded from there. Left to itself the driver inflates it from the jar into the temp folder on every start
 * (1.1 MB written and checked each time, and a copy left behind by every process killed with -9). Where the
 * folder cannot be written and holds no copy yet, or an operator set {@code org.sqlite.lib.path}, the
 * driver does as it always did.
 *
 * <p>The platform's folder name in the driver's jar (such as {@code Linux/x86_64}) is remembered there too, per
 * {@code os.name} and {@code os.arch}: the driver's own detection reads {@code /etc/os-release} and starts
 * {@code uname -o} to tell Android apart, ~40 ms of CPU on every start of every command that opens a store.
 */
final class SqliteNative {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNative.class);
    private static final String PATH = "org.sqlite.lib.path";
    private static final String NAME = "org.sqlite.lib.name";
    private static final String TMPDIR = "org.sqlite.tmpdir";

    private static boolean prepared;

    private SqliteNative() {}

    /** Points the driver at the copy in {@code folder}, extracting it first if it is not there whole. */
    static synchronized void prepare(Path folder) {
        if (prepared || System.getProperty(PATH) != null) {
            return;
        }
        prepared = true;
        String file = System.mapLibraryName("sqlitejdbc");
        String version = SQLiteJDBCLoader.getVersion();
        String platform =
                platform(folder.resolve(".native"), version, file, OSInfo::getNativeLibFolderPathForCurrentOS);
        URL resource = bundled(platform, file);
        if (resource == null) {
            return; // no bundled library for this platform: the driver looks for one of the system's
        }
        Path dir = folder.resolve(".native").resolve("sqlite-jdbc-" + version + "-" + platform.replace('/', '-'));
        Path lib = dir.resolve(file);
        try {
            URLConnection connection = resource.openConnection();
            long size = connection.getContentLengthLong();
            // A copy of the bundled size was written whole (moved into place atomically): no need to compare it.
            if (!Files.isRegularFile(lib) || Files.size(lib) != size) {
                if (!Files.isWritable(folder)) {
                    return;
                }
                Files.createDirectories(dir);
                Path partial = Files.createTempFile(dir, file, ".partial");
                try (InputStream in = connection.getInputStream()) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
            System.setProperty(PATH, dir.toString());
            System.setProperty(NAME, file);
            load(folder.resolve(".native"));
        } catch (IOException | RuntimeException e) {
            LOG.debug("sqlite native library not kept in {} ({}); the driver extracts its own", dir, e.toString());
        }
    }

    /**
     * Loads the library now, with the driver's temp folder pointed at {@code natives} for the call: before loading,
     * the driver sweeps its temp folder for copies killed processes left behind, listing the whole of {@code /tmp}
     * (~10 ms of CPU with a thousand entries there, on every start), where ours never leaves one. Where the load
     * from our copy fails, the property is taken back and the driver's first connection does all it always did.
     */
    private static void load(Path natives) {
        if (System.getProperty(TMPDIR) != null) {
            return; // the operator's choice: the driver sweeps and extracts there
        }
        System.setProperty(TMPDIR, natives.toString());
        try {
            SQLiteJDBCLoader.initialize();
        } catch (Exception e) {
            LOG.debug("sqlite native library not loaded from {} ({})", natives, e.toString());
        } finally {
            System.clearProperty(TMPDIR);
        }
    }

    private static @Nullable URL bundled(String platform, String file) {
        return SQLiteJDBCLoader.class.getResource("/org/sqlite/native/" + platform + "/" + file);
    }

    /**
     * The driver's folder name for this platform: the one remembered in {@code natives} for this driver version,
     * {@code os.name} and {@code os.arch} where it names a library the driver bundles, else what {@code detect}
     * says, remembered for the next start where the folder can be written.
     */
    static String platform(Path natives, String version, String file, Supplier<String> detect) {
        String key = (System.getProperty("os.name") + "-" + System.getProperty("os.arch"))
                .replaceAll("[^A-Za-z0-9._-]", "_");
        Path remembered = natives.resolve("sqlite-jdbc-" + version + "-platform-" + key);
        try {
            if (Files.isRegularFile(remembered)) {
                String platform = TextFiles.readUtf8(remembered).strip();
                if (!platform.isEmpty() && bundled(platform, file) != null) {
                    return platform;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: detected again below, and written again
        }
        String platform = detect.get();
        try {
            Files.createDirectories(natives);
            Path partial = Files.createTempFile(natives, "platform", ".partial");
            try {
                Files.writeString(partial, platform + "\n", StandardCharsets.UTF_8);
                Files.move(partial, remembered, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("sqlite native platform not remembered in {} ({})", natives, e.toString());
        }
        return platform;
    }
}
