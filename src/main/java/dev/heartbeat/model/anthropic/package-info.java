/**
 * LangChain4j's Anthropic client, its messages written and read without databind ({@link
 * dev.heartbeat.model.anthropic.LeanAnthropicClient}).
 */
@NullMarked
package dev.heartbeat.model.anthropic;

import org.jspecify.annotations.NullMarked;
