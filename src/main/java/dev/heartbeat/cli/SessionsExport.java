package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.Store;
import dev.heartbeat.transcript.Transcripts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sessions export}: the stored history in a provider's wire shape. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Write the session's current history in a provider's wire shape, as it stands (not repaired): "
                    + "openai is JSONL of Chat Completions messages, anthropic is {\"system\": ..., \"messages\": [...]}.",
            "Exit 0, or 1 for an unknown session."
        })
final class SessionsExport implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the session")
    String name;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "openai",
            description = "openai or anthropic (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--output", paramLabel = "FILE", description = "write to FILE instead of stdout")
    Path output;

    @Override
    public Integer call() {
        Main main = Main.root(spec);
        if (!format.equals("openai") && !format.equals("anthropic")) {
            throw UserError.usage("--format must be openai or anthropic, not '" + format + "'");
        }
        AgentConfig config = main.storeConfig();
        int written;
        try (Store store = main.readStore(config)) {
            Main.session(store, name);
            written = format.equals("openai") ? openAi(store, main) : anthropic(store, main);
        } catch (UncheckedIOException e) {
            IOException cause = e.getCause();
            throw UserError.notFound("cannot write " + output + ": " + (cause != null ? cause : e).getMessage());
        }
        if (output != null) {
            main.spec.commandLine().getErr().println("wrote " + written + " message(s) to " + output);
        }
        return 0;
    }

    /** OpenAI's JSONL, a line per message as it is read from the store: a long session is never held whole. */
    private int openAi(Store store, Main main) {
        int[] count = {0};
        write(
                main,
                out -> store.sessions().eachMessage(name, (m, id) -> {
                    try {
                        out.write(Transcripts.toOpenAiLine(m));
                        out.write('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    count[0]++;
                }));
        return count[0];
    }

    /**
     * Anthropic's one document (consecutive tool results merge into one user turn), written as the messages are
     * read from the store: two passes of its cursor, the system prompt first.
     */
    private int anthropic(Store store, Main main) {
        int[] count = {0};
        write(
                main,
                out -> Transcripts.toAnthropic(out, each -> {
                    count[0] = 0;
                    store.sessions().eachMessage(name, (m, id) -> {
                        count[0]++;
                        each.accept(m);
                    });
                }));
        return count[0];
    }

    /** What export writes, given the writer it goes to. */
    private interface Body {
        void writeTo(Writer out) throws IOException;
    }

    /** Hands {@code body} the --output file's writer, or stdout's. */
    private void write(Main main, Body body) {
        try {
            if (output == null) {
                body.writeTo(main.out());
                main.out().flush();
                return;
            }
            try (Writer out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                body.writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
