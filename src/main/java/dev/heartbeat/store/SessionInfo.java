package dev.heartbeat.store;

import java.time.OffsetDateTime;

/** A session's summary: its current revision, how many messages that revision holds, and when it last changed. */
public record SessionInfo(
        String name, int revision, long messages, long rawLines, OffsetDateTime createdAt, OffsetDateTime updatedAt) {}
