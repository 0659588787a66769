package dev.heartbeat.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 */
final class SqliteNative {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNative.class);
    private static final String PATH = "org.sqlite.lib.path";
    private static final String NAME = "org.sqlite.lib.name";

    private static boolean prepared;

    private SqliteNative() {}

    /** Points the driver at the copy in {@code folder}, extracting it first if it is not there whole. */
    static synchronized void prepare(Path folder) {
        if (prepared || System.getProperty(PATH) != null) {
            return;
        }
        prepared = true;
        String platform = OSInfo.getNativeLibFolderPathForCurrentOS();
        String file = System.mapLibraryName("sqlitejdbc");
        URL resource = SQLiteJDBCLoader.class.getResource("/org/sqlite/native/" + platform + "/" + file);
        if (resource == null) {
            return; // no bundled library for this platform: the driver looks for one of the system's
        }
        Path dir = folder.resolve(".native")
                .resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + "-" + platform.replace('/', '-'));
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
        } catch (IOException | RuntimeException e) {
            LOG.debug("sqlite native library not kept in {} ({}); the driver extracts its own", dir, e.toString());
        }
    }
}
