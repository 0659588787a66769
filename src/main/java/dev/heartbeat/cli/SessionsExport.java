package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.Store;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.StoredMessage;
import dev.heartbeat.transcript.Transcripts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        List<Message> messages;
        try (Store store = main.readStore(config)) {
            Main.session(store, name);
            messages = StoredMessage.messages(store.sessions().history(name));
        }
        String text = format.equals("openai") ? Transcripts.toOpenAiJsonl(messages) : Transcripts.toAnthropic(messages);
        if (output == null) {
            main.out().print(text);
            main.out().flush();
            return 0;
        }
        try {
            Files.writeString(output, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw UserError.notFound("cannot write " + output + ": " + e.getMessage());
        }
        main.spec.commandLine().getErr().println("wrote " + messages.size() + " message(s) to " + output);
        return 0;
    }
}
