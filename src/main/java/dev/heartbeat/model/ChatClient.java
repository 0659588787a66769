package dev.heartbeat.model;

import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.SystemMessage;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Asks a model one question; the beat and the summariser depend on this, not on a provider. */
public interface ChatClient {
    /**
     * @param idPrefix names tool calls that arrive without a usable id
     * @param deadline no attempt starts, and no retry waits, past this instant
     */
    ModelReply ask(
            SystemMessage system,
            List<Message> messages,
            List<ToolSpecification> tools,
            String idPrefix,
            @Nullable Instant deadline);
}
