package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Redactor;
import dev.heartbeat.transcript.Transcripts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sessions import}: load a transcript file into the store, as it is. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Load a transcript into the store: a JSON array or JSONL of OpenAI Chat Completions or Anthropic "
                    + "Messages messages (detected per file). Stored as read, not repaired: 'sessions check' shows "
                    + "the problems, 'sessions repair' fixes them.",
            "Lines that are not JSON are skipped, reported with their line numbers, and kept with the session.",
            "Exit 0, or 1 when nothing usable was read."
        })
final class SessionsImport implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the transcript file")
    Path file;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "the session to append to (default: the file "
                    + "name without extension); use the agent's name to give the heartbeat this history")
    String name;

    @Option(names = "--json", description = "print the result as JSON")
    boolean json;

    @Override
    public Integer call() {
        Main main = Main.root(spec);
        AgentConfig config = main.inspectionConfig();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw UserError.notFound("cannot read " + file + ": " + e.getMessage());
        }
        String session = name != null ? name : defaultName(file);
        if (!session.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw UserError.usage("'" + session + "' is not a usable session name; pass --name with letters, digits, "
                    + "'.', '_' or '-'");
        }
        Transcripts.Read read = Transcripts.read(text);
        PrintWriter out = main.out();
        if (read.messages().isEmpty()) {
            report(out, session, read, 0);
            main.spec
                    .commandLine()
                    .getErr()
                    .println("error: nothing usable in " + file
                            + "; it holds no messages in the OpenAI or Anthropic shape");
            return 1;
        }
        try (Store store = main.writeStore(config)) {
            store.sessions().ensureSession(session);
            store.sessions()
                    .appendAll(
                            session,
                            read.messages(),
                            read.raw().stream().map(Redactor::redactJson).toList());
            for (Transcripts.BadLine bad : read.bad()) {
                store.repairLog().keepRaw(session, file.toString(), bad.line(), bad.raw(), bad.problem());
            }
        }
        report(out, session, read, read.messages().size());
        return 0;
    }

    private void report(PrintWriter out, String session, Transcripts.Read read, int stored) {
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("session", session);
            doc.put("format", read.format().wire());
            doc.put("messages", stored);
            doc.put("skipped_lines", read.bad());
            Render.json(out, doc);
            return;
        }
        out.println("imported " + stored + " message(s) (" + read.format().wire() + ") into session '" + session + "'");
        for (Transcripts.BadLine bad : read.bad()) {
            out.println("  skipped line " + bad.line() + ": " + bad.problem() + " (kept with the session)");
        }
        if (stored > 0) {
            out.println("next: heartbeat-agent sessions check " + session);
        }
        out.flush();
    }

    private static String defaultName(Path file) {
        String base = file.getFileName().toString();
        int dot = base.indexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }
}
