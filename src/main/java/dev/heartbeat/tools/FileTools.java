package dev.heartbeat.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The workspace file tools: read_file, list_files, write_file and append_note. */
public final class FileTools {
    private static final int MAX_ENTRIES = 500;

    private FileTools() {}

    public static List<Tool> all(Workspace workspace, int maxBytes, Clock clock) {
        return List.of(
                new ReadFile(workspace, maxBytes),
                new ListFiles(workspace),
                new WriteFile(workspace, maxBytes),
                new AppendNote(workspace, maxBytes, clock));
    }

    static final class ReadFile implements Tool {
        private final Workspace workspace;
        private final int maxBytes;

        ReadFile(Workspace workspace, int maxBytes) {
            this.workspace = workspace;
            this.maxBytes = maxBytes;
        }

        @Override
        public String name() {
            return "read_file";
        }

        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder()
                    .name(name())
                    .description("Read a text file from the agent's workspace. Paths are relative to the workspace.")
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("path", "file path relative to the workspace, such as NOTES.md")
                            .required("path")
                            .build())
                    .build();
        }

        @Override
        public boolean sideEffecting() {
            return false;
        }

        @Override
        public String run(JsonNode arguments, ToolCallContext context) throws ToolFailure {
            String relative = Tool.text(arguments, "path");
            Path file = workspace.existing(relative);
            if (Files.isDirectory(file)) {
                throw ToolFailure.error("'" + relative + "' is a folder; use list_files to see what it holds");
            }
            // A FIFO, socket or device would block the beat (a reader waits on a pipe with no writer).
            if (!Files.isRegularFile(file)) {
                throw ToolFailure.refused("'" + relative + "' is not a regular file (a pipe, socket or device); "
                        + "only regular files can be read");
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes(maxBytes + 1);
                boolean cut = bytes.length > maxBytes;
                String text = new String(bytes, 0, Math.min(bytes.length, maxBytes), StandardCharsets.UTF_8);
                return cut ? text + "\n[... cut at " + maxBytes + " bytes of " + Files.size(file) + "]" : text;
            } catch (IOException e) {
                throw ToolFailure.error("cannot read '" + relative + "': " + e.getMessage());
            }
        }
    }

    static final class ListFiles implements Tool {
        private final Workspace workspace;

        ListFiles(Workspace workspace) {
            this.workspace = workspace;
        }

        @Override
        public String name() {
            return "list_files";
        }

        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder()
                    .name(name())
                    .description("List the files and folders in a folder of the workspace (folders end with /).")
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("path", "folder relative to the workspace; \".\" for its top")
                            .build())
                    .build();
        }

        @Override
        public boolean sideEffecting() {
            return false;
        }

        @Override
        public String run(JsonNode arguments, ToolCallContext context) throws ToolFailure {
            String relative = Tool.text(arguments, "path", ".");
            Path folder = workspace.existing(relative);
            if (!Files.isDirectory(folder)) {
                throw ToolFailure.error("'" + relative + "' is a file, not a folder; use read_file to read it");
            }
            List<String> lines = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    lines.add(Files.isDirectory(entry) ? name + "/" : name + "  (" + Files.size(entry) + " bytes)");
                }
            } catch (IOException e) {
                throw ToolFailure.error("cannot list '" + relative + "': " + e.getMessage());
            }
            lines.sort(null);
            if (lines.isEmpty()) {
                return "(empty folder)";
            }
            if (lines.size() > MAX_ENTRIES) {
                int more = lines.size() - MAX_ENTRIES;
                lines = new ArrayList<>(lines.subList(0, MAX_ENTRIES));
                lines.add("[... " + more + " more entries]");
            }
            return String.join("\n", lines);
        }
    }

    static final class WriteFile implements Tool {
        private final Workspace workspace;
        private final int maxBytes;

        WriteFile(Workspace workspace, int maxBytes) {
            this.workspace = workspace;
            this.maxBytes = maxBytes;
        }

        @Override
        public String name() {
            return "write_file";
        }

        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder()
                    .name(name())
                    .description("Create or replace a text file in the workspace. Folders are created as needed.")
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("path", "file path relative to the workspace")
                            .addStringProperty("content", "the complete new content of the file")
                            .required("path", "content")
                            .build())
                    .build();
        }

        @Override
        public boolean sideEffecting() {
            return true;
        }

        @Override
        public String run(JsonNode arguments, ToolCallContext context) throws ToolFailure {
            String relative = Tool.text(arguments, "path");
            byte[] content = Tool.text(arguments, "content").getBytes(StandardCharsets.UTF_8);
            if (content.length > maxBytes) {
                throw ToolFailure.error("content is " + content.length + " bytes; the limit is " + maxBytes);
            }
            Path target = workspace.writable(relative);
            try {
                workspace.writeAtomically(relative, content);
            } catch (IOException e) {
                throw ToolFailure.error("cannot write '" + relative + "': " + e.getMessage());
            }
            return "wrote " + content.length + " bytes to " + workspace.display(target);
        }
    }

    static final class AppendNote implements Tool {
        private final Workspace workspace;
        private final int maxBytes;
        private final Clock clock;

        AppendNote(Workspace workspace, int maxBytes, Clock clock) {
            this.workspace = workspace;
            this.maxBytes = maxBytes;
            this.clock = clock;
        }

        @Override
        public String name() {
            return "append_note";
        }

        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder()
                    .name(name())
                    .description("Append a timestamped note to a notes file in the workspace (NOTES.md unless "
                            + "another file is named). Use it to remember what you saw or did for later beats.")
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("text", "the note")
                            .addStringProperty("file", "notes file relative to the workspace; default NOTES.md")
                            .required("text")
                            .build())
                    .build();
        }

        @Override
        public boolean sideEffecting() {
            return true;
        }

        @Override
        public String run(JsonNode arguments, ToolCallContext context) throws ToolFailure {
            String text = Tool.text(arguments, "text").strip();
            if (text.isEmpty()) {
                throw ToolFailure.error("the note is empty");
            }
            String relative = Tool.text(arguments, "file", "NOTES.md");
            Path target = workspace.writable(relative);
            String line = "- " + OffsetDateTime.now(clock).truncatedTo(ChronoUnit.SECONDS) + " "
                    + text.replace("\n", " ") + "\n";
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            try {
                if (Files.exists(target) && Files.size(target) + bytes.length > maxBytes) {
                    throw ToolFailure.error("'" + relative + "' would grow past " + maxBytes + " bytes; "
                            + "summarise it with write_file first");
                }
                workspace.appendSafely(relative, bytes);
            } catch (IOException e) {
                throw ToolFailure.error("cannot append to '" + relative + "': " + e.getMessage());
            }
            return "noted in " + workspace.display(target);
        }
    }

    /** Forces a folder's entries (a rename into it) to the disk; where folders cannot be opened, skipped. */
    static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open a folder; the rename is still atomic there.
        }
    }
}
