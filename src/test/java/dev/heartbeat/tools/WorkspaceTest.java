package dev.heartbeat.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {
    @TempDir
    Path dir;

    Path root;
    Path outside;
    Workspace workspace;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectories(dir.resolve("ws"));
        outside = Files.writeString(dir.resolve("secret.txt"), "do not read");
        Files.writeString(root.resolve("notes.md"), "inside");
        workspace = new Workspace(root);
    }

    private static void refused(ThrowingCall call, String reason) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ToolFailure.class, f -> {
            assertThat(f.refused()).isTrue();
            assertThat(f.getMessage()).contains(reason);
        });
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void insidePathsResolve() throws Exception {
        assertThat(workspace.existing("notes.md")).isEqualTo(root.toRealPath().resolve("notes.md"));
        assertThat(workspace.existing("./sub/../notes.md"))
                .isEqualTo(root.toRealPath().resolve("notes.md"));
        assertThat(workspace.writable("reports/today.md")).isEqualTo(root.resolve("reports/today.md"));
    }

    @Test
    void dotDotAndAbsolutePathsAreRefused() {
        refused(() -> workspace.existing("../secret.txt"), "leaves the workspace");
        refused(() -> workspace.writable("a/../../secret.txt"), "leaves the workspace");
        refused(() -> workspace.existing(outside.toString()), "absolute paths are refused");
    }

    @Test
    void symlinksLeadingOutAreRefused() throws Exception {
        Files.createSymbolicLink(root.resolve("link.txt"), outside);
        Files.createSymbolicLink(root.resolve("out"), dir);
        refused(() -> workspace.existing("link.txt"), "outside the workspace");
        refused(() -> workspace.writable("link.txt"), "outside the workspace");
        refused(() -> workspace.writable("out/new-file.txt"), "outside the workspace");
        refused(() -> workspace.existing("out/secret.txt"), "outside the workspace");
    }

    @Test
    void symlinksStayingInsideAreFine() throws Exception {
        Files.createSymbolicLink(root.resolve("alias.md"), root.resolve("notes.md"));
        assertThat(Files.readString(workspace.existing("alias.md"))).isEqualTo("inside");
    }

    @Test
    void hardLinksAreRefused() throws Exception {
        Files.createLink(root.resolve("hard.txt"), outside);
        refused(() -> workspace.existing("hard.txt"), "hard links");
    }

    @Test
    void theModelSeesRelativePaths() throws Exception {
        assertThat(workspace.display(workspace.existing("notes.md"))).isEqualTo("notes.md");
    }

    @Test
    void aFolderSwappedForALinkDuringWritesNeverRedirectsThemOutside() throws Exception {
        Path away = Files.createDirectories(dir.resolve("away"));
        Path sub = Files.createDirectories(root.resolve("sub"));
        Path parked = root.resolve("sub-real");
        AtomicBoolean stop = new AtomicBoolean();
        Thread swapper = new Thread(() -> {
            while (!stop.get()) {
                try {
                    Files.move(sub, parked);
                    Files.createSymbolicLink(sub, away);
                    LockSupport.parkNanos(300_000);
                    Files.delete(sub);
                    Files.move(parked, sub);
                    LockSupport.parkNanos(300_000);
                } catch (IOException e) {
                    // the writer holds a name for a moment; try again
                }
            }
        });
        swapper.start();
        Tool write = FileTools.all(workspace, 4096, Clock.systemUTC()).stream()
                .filter(t -> t.name().equals("write_file"))
                .findFirst()
                .orElseThrow();
        Tool append = FileTools.all(workspace, 4096, Clock.systemUTC()).stream()
                .filter(t -> t.name().equals("append_note"))
                .findFirst()
                .orElseThrow();
        try {
            for (int i = 0; i < 400; i++) {
                try {
                    write.run(
                            new ObjectMapper().readTree("{\"path\": \"sub/f" + i + ".txt\", \"content\": \"x\"}"),
                            new ToolCallContext("b", "c"));
                    append.run(
                            new ObjectMapper().readTree("{\"text\": \"n\", \"file\": \"sub/notes" + i + ".md\"}"),
                            new ToolCallContext("b", "c"));
                } catch (ToolFailure refused) {
                    // refused or failed while the folder was a link: never written through it
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        try (var written = Files.list(away)) {
            assertThat(written.toList())
                    .as("nothing landed outside the workspace")
                    .isEmpty();
        }
    }
}
