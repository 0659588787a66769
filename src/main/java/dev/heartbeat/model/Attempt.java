package dev.heartbeat.model;

import org.jspecify.annotations.Nullable;

/** One HTTP attempt of a model call: its status (0 when no answer came) or error, and the wait after it. */
public record Attempt(int attempt, int status, @Nullable String error, long waitedMs) {}
