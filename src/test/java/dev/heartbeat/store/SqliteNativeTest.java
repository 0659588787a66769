package dev.heartbeat.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.OSInfo;

/** The native library's platform is detected once (the driver's detection starts a process) and remembered. */
class SqliteNativeTest {
    private static final String FILE = System.mapLibraryName("sqlitejdbc");
    private static final String VERSION = SQLiteJDBCLoader.getVersion();

    @TempDir
    Path natives;

    private final AtomicInteger detections = new AtomicInteger();

    private Supplier<String> detect(String platform) {
        return () -> {
            detections.incrementAndGet();
            return platform;
        };
    }

    @Test
    void detectsOnceAndRemembersThePlatformForTheNextStart() {
        String actual = OSInfo.getNativeLibFolderPathForCurrentOS();

        assertThat(SqliteNative.platform(natives, VERSION, FILE, detect(actual)))
                .isEqualTo(actual);
        assertThat(SqliteNative.platform(natives, VERSION, FILE, detect(actual)))
                .isEqualTo(actual);

        assertThat(detections).hasValue(1);
        try (var files = Files.list(natives)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("the remembered platform, and no partial file left")
                    .singleElement()
                    .asString()
                    .startsWith("sqlite-jdbc-" + VERSION + "-platform-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void detectsAgainWhereWhatIsRememberedNamesNoLibraryTheDriverBundles() throws Exception {
        String actual = OSInfo.getNativeLibFolderPathForCurrentOS();
        SqliteNative.platform(natives, VERSION, FILE, detect(actual));
        Path remembered;
        try (var files = Files.list(natives)) {
            remembered = files.findFirst().orElseThrow();
        }
        Files.writeString(remembered, "Plan9/vax\n");

        assertThat(SqliteNative.platform(natives, VERSION, FILE, detect(actual)))
                .isEqualTo(actual);
        assertThat(detections).hasValue(2);
        assertThat(Files.readString(remembered).strip()).as("written again").isEqualTo(actual);
        assertThat(SqliteNative.platform(natives, VERSION, FILE, detect(actual)))
                .isEqualTo(actual);
        assertThat(detections).hasValue(2);
    }

    @Test
    void aNewDriverVersionDetectsAgain() {
        String actual = OSInfo.getNativeLibFolderPathForCurrentOS();
        SqliteNative.platform(natives, VERSION, FILE, detect(actual));
        SqliteNative.platform(natives, VERSION + ".1", FILE, detect(actual));

        assertThat(detections).hasValue(2);
    }

    @Test
    void aFolderThatCannotBeWrittenStillGivesThePlatform() throws Exception {
        Path file = natives.resolve("a-file");
        Files.writeString(file, "not a folder");
        String actual = OSInfo.getNativeLibFolderPathForCurrentOS();

        assertThat(SqliteNative.platform(file.resolve(".native"), VERSION, FILE, detect(actual)))
                .isEqualTo(actual);
        assertThat(SqliteNative.platform(file.resolve(".native"), VERSION, FILE, detect(actual)))
                .isEqualTo(actual);
        assertThat(detections).hasValue(2);
    }
}
