package dev.heartbeat.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.config.ModelConfig;
import dev.heartbeat.support.Causes;
import dev.heartbeat.support.Json;
import dev.heartbeat.support.Redactor;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.SystemMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.ToolResultMessage;
import dev.heartbeat.transcript.UserMessage;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.model.anthropic.AnthropicChatResponseMetadata;
import dev.langchain4j.model.anthropic.AnthropicTokenUsage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.TokenUsage;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Asks the configured model one question: our messages in, an assistant message and its metadata out. */
public final class ModelClient implements ChatClient {
    private static final Pattern VALID_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private final ChatModel model;
    private final ModelConfig settings;
    /** The same model with thinking off, for a request that must go without it (see ReasoningWire). */
    private final @Nullable ChatModel thinkingOff;

    public ModelClient(ChatModel model, ModelConfig settings) {
        this(model, settings, null);
    }

    ModelClient(ChatModel model, ModelConfig settings, @Nullable ChatModel thinkingOff) {
        this.model = model;
        this.settings = settings;
        this.thinkingOff = thinkingOff;
    }

    public static ModelClient of(ModelConfig settings) {
        return of(settings, Clock.systemUTC());
    }

    public static ModelClient of(ModelConfig settings, Clock clock) {
        return of(settings, clock, Sleeper.SYSTEM);
    }

    /** With retry waits going to {@code sleeper}. */
    public static ModelClient of(ModelConfig settings, Clock clock, Sleeper sleeper) {
        return new ModelClient(
                ChatModels.create(settings, clock, sleeper),
                settings,
                settings.thinking() != null ? ChatModels.create(settings.withoutThinking(), clock, sleeper) : null);
    }

    public ModelConfig settings() {
        return settings;
    }

    /** Without a deadline (tests and one-off calls). */
    public ModelReply ask(
            SystemMessage system, List<Message> messages, List<ToolSpecification> tools, String idPrefix) {
        return ask(system, messages, tools, idPrefix, null);
    }

    /**
     * Sends the system prompt, the messages and the tool specifications.
     * {@code idPrefix} names tool calls that arrive without a usable id (Ollama sends none).
     */
    @Override
    public ModelReply ask(
            SystemMessage system,
            List<Message> messages,
            List<ToolSpecification> tools,
            String idPrefix,
            @Nullable Instant deadline) {
        List<ChatMessage> wire = new ArrayList<>();
        if (!system.text().isBlank()) {
            wire.add(dev.langchain4j.data.message.SystemMessage.from(system.text()));
        }
        String sendsBackTo = ReasoningWire.sendsBackTo(settings);
        for (Message m : messages) {
            wire.add(toWire(m, sendsBackTo));
        }
        ChatRequest.Builder request = ChatRequest.builder().messages(wire);
        ChatModel asked = thinkingOff != null && ReasoningWire.openLoopWithoutThinking(messages, sendsBackTo)
                ? thinkingOff
                : model;
        if (!tools.isEmpty()) {
            request.toolSpecifications(tools);
        }
        long start = System.nanoTime();
        ChatResponse response;
        CallContext context = CallContext.open(deadline);
        try {
            response = asked.chat(request.build());
        } catch (RuntimeException e) {
            ModelFailure f = describe(e);
            ModelFailure failure = new ModelFailure(f.kind(), f.getMessage(), e, context.attempts);
            if (f.kind() == FailureKind.INVALID_REQUEST) {
                RejectedPart.of(settings, messages, wire, f.getMessage(), sendsBackTo)
                        .ifPresent(failure::rejecting);
            }
            throw failure;
        } finally {
            CallContext.close();
        }
        long latency = (System.nanoTime() - start) / 1_000_000;
        AiMessage ai = response.aiMessage();
        List<ToolCall> calls = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (ai.hasToolExecutionRequests()) {
            int n = 0;
            for (ToolExecutionRequest r : ai.toolExecutionRequests()) {
                n++;
                String id = r.id();
                if (id == null || !VALID_ID.matcher(id).matches() || !seen.add(id)) {
                    id = idPrefix + "_" + n;
                    seen.add(id);
                }
                calls.add(new ToolCall(id, r.name(), r.arguments()));
            }
        }
        TokenUsage usage = response.tokenUsage();
        long in = usage != null && usage.inputTokenCount() != null ? usage.inputTokenCount() : 0;
        long cacheWrite = 0;
        if (usage instanceof AnthropicTokenUsage a) {
            // Anthropic's input_tokens leaves out what the cache served and what was written to it: every input
            // token is counted here (as OpenAI and the GenAI conventions count), with the cached parts apart.
            cacheWrite = a.cacheCreationInputTokens() == null ? 0 : a.cacheCreationInputTokens();
            in += cacheWrite + (a.cacheReadInputTokens() == null ? 0 : a.cacheReadInputTokens());
        }
        long out = usage != null && usage.outputTokenCount() != null ? usage.outputTokenCount() : 0;
        String finish = response.finishReason() == null
                ? null
                : response.finishReason().name().toLowerCase();
        return new ModelReply(
                new AssistantMessage(
                        ai.text(), calls, ReasoningWire.from(ai, settings.provider()), ReasoningWire.modelId(settings)),
                settings.provider().wire(),
                settings.name(),
                response.id(),
                response.modelName(),
                finish,
                in,
                out,
                cached(usage),
                latency,
                context.attempts,
                reasoning(usage),
                raw(response),
                cacheWrite);
    }

    /** A reply body bigger than this is not kept raw (the normalised message is): a bound on hostile output. */
    private static final int MAX_RAW_CHARS = 256 * 1024;

    /** The provider's response body as it came, secrets masked; null when the client did not keep it or it is big. */
    private static @Nullable String raw(ChatResponse response) {
        SuccessfulHttpResponse http = null;
        if (response.metadata() instanceof AnthropicChatResponseMetadata a) {
            http = a.rawHttpResponse();
        } else if (response.metadata() instanceof OpenAiChatResponseMetadata o) {
            http = o.rawHttpResponse();
        }
        String body = http == null ? null : http.body();
        return body == null || body.length() > MAX_RAW_CHARS ? null : Redactor.redactJson(body);
    }

    /** Output tokens spent reasoning, where the provider reports them apart (OpenAI's reasoning models). */
    private static long reasoning(@Nullable TokenUsage usage) {
        if (usage instanceof OpenAiTokenUsage o
                && o.outputTokensDetails() != null
                && o.outputTokensDetails().reasoningTokens() != null) {
            return o.outputTokensDetails().reasoningTokens();
        }
        return 0;
    }

    /** Input tokens a provider's prompt cache served, where the provider reports them. */
    private static long cached(TokenUsage usage) {
        Integer n = null;
        if (usage instanceof OpenAiTokenUsage o && o.inputTokensDetails() != null) {
            n = o.inputTokensDetails().cachedTokens();
        } else if (usage instanceof AnthropicTokenUsage a) {
            n = a.cacheReadInputTokens();
        }
        return n == null ? 0 : n;
    }

    /** {@code sendsBackTo}: the model whose own reasoning goes back to it (null: none does). */
    static ChatMessage toWire(Message m, @Nullable String sendsBackTo) {
        if (m instanceof SystemMessage s) {
            return dev.langchain4j.data.message.SystemMessage.from(s.text());
        }
        if (m instanceof UserMessage u) {
            return u.attachments().isEmpty()
                    ? dev.langchain4j.data.message.UserMessage.from(u.text())
                    : dev.langchain4j.data.message.UserMessage.from(AttachmentWire.contents(u));
        }
        if (m instanceof AssistantMessage a) {
            List<ToolExecutionRequest> requests = new ArrayList<>();
            for (ToolCall c : a.toolCalls()) {
                requests.add(ToolExecutionRequest.builder()
                        .id(c.id())
                        .name(c.name())
                        .arguments(c.arguments())
                        .build());
            }
            return ReasoningWire.toAi(a, requests, sendsBackTo);
        }
        ToolResultMessage t = (ToolResultMessage) m;
        return ToolExecutionResultMessage.builder()
                .id(t.callId())
                .toolName(t.toolName())
                .text(t.text())
                .isError(t.isError() ? Boolean.TRUE : null)
                .build();
    }

    /** Turns what LangChain4j threw into one sentence an operator can act on. */
    private ModelFailure describe(RuntimeException e) {
        String where = settings.provider() + " at " + ModelProviders.baseUrl(settings);
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            root = t;
            if (t instanceof ResilientHttpClient.DeadlineException) {
                return new ModelFailure(FailureKind.DEADLINE, t.getMessage() + " (heartbeat.deadline)", e);
            }
            if (t instanceof HttpTimeoutException
                    || t instanceof TimeoutException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return new ModelFailure(
                        FailureKind.TIMEOUT,
                        "the model did not answer within " + settings.timeout().toSeconds() + "s (" + where
                                + "; model.timeout)",
                        e);
            }
            if (t instanceof InterruptedException || t instanceof ClosedByInterruptException) {
                return new ModelFailure(
                        FailureKind.INTERRUPTED, "the model call was interrupted (the daemon is stopping)", e);
            }
            if (t instanceof ConnectException) {
                return new ModelFailure(
                        FailureKind.CONNECTION,
                        "cannot connect to " + where
                                + ": connection refused; is the server running, and is model.base-url right?",
                        e);
            }
            if (t instanceof CertificateException certificate) {
                String host = String.valueOf(
                        URI.create(ModelProviders.baseUrl(settings)).getHost());
                return new ModelFailure(
                        FailureKind.CONNECTION, CertificateFailure.describe(where, host, certificate), e);
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return new ModelFailure(
                        FailureKind.CONNECTION, "cannot resolve the host of " + where + "; check model.base-url", e);
            }
        }
        String detail = Redactor.redact(firstLine(e.getMessage()));
        HttpException http = Causes.find(e, HttpException.class);
        int status = http != null ? http.statusCode() : -1;
        if (e instanceof AuthenticationException || status == 401 || status == 403) {
            return new ModelFailure(
                    FailureKind.AUTH,
                    "the " + settings.provider() + " provider refused the API key (HTTP " + (status > 0 ? status : 401)
                            + "); check model.api-key: " + detail,
                    e);
        }
        if (e instanceof ModelNotFoundException || status == 404) {
            return new ModelFailure(
                    FailureKind.NOT_FOUND,
                    "the provider does not know the model '" + settings.name()
                            + "' (model.name) or the endpoint (model.base-url): " + detail,
                    e);
        }
        if (e instanceof RateLimitException || status == 429) {
            return new ModelFailure(FailureKind.RATE_LIMIT, "the provider is rate limiting (HTTP 429): " + detail, e);
        }
        if (status > 0) {
            FailureKind kind = status >= 500
                    ? FailureKind.SERVER
                    : status == 400 ? FailureKind.INVALID_REQUEST : FailureKind.OTHER;
            String what = status >= 500 ? "the provider failed" : "the provider rejected the request";
            return new ModelFailure(kind, what + " (HTTP " + status + "): " + detail, e);
        }
        String cause = root.getMessage() != null
                ? firstLine(root.getMessage())
                : root.getClass().getSimpleName();
        return new ModelFailure(FailureKind.OTHER, "asking " + where + " failed: " + Redactor.redact(cause), e);
    }

    /** The provider's own error sentence when the text is its JSON error body, else the first line. */
    private static String firstLine(@Nullable String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        if (t.startsWith("{")) {
            try {
                JsonNode body = Json.tree(t);
                JsonNode message = body.path("error").isTextual()
                        ? body.path("error")
                        : body.path("error").path("message");
                if (message.isTextual() && !message.asText().isBlank()) {
                    s = message.asText();
                }
            } catch (RuntimeException notJson) {
                // Keep the raw text.
            }
        }
        String line = s.lines().findFirst().orElse("");
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }
}
