package dev.heartbeat.store;

import dev.heartbeat.audit.Decision;

/**
 * A decision as stored: its place in the log, the exact JSON that was hashed, and the parsed record
 * ({@code null} when the stored JSON no longer parses, which verification reports).
 */
public record StoredDecision(long seq, String json, Decision decision) {
}
