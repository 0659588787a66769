package dev.heartbeat.model;

/** One HTTP attempt of a model call: its status (0 when no answer came) or error, and the wait after it. */
public record Attempt(int attempt, int status, String error, long waitedMs) {}
