package dev.heartbeat.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(workspace.existing("./sub/../notes.md")).isEqualTo(root.toRealPath().resolve("notes.md"));
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
}
