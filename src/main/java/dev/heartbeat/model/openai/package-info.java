/**
 * LangChain4j's OpenAI client for chat completions, with the request written and the answer read by Jackson's
 * streaming API instead of databind (see {@link dev.heartbeat.model.openai.LeanOpenAiClient}).
 * Null-marked: a type without {@code @Nullable} is never null (checked by NullAway in the build).
 */
@NullMarked
package dev.heartbeat.model.openai;

import org.jspecify.annotations.NullMarked;
