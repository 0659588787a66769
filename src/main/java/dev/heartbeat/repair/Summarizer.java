package dev.heartbeat.repair;

import dev.heartbeat.transcript.Message;
import java.util.List;

/** Folds older turns (and the summary that already stands for the turns before them) into one summary. */
public interface Summarizer {
    /** A summary and how it was made: {@code llm} or {@code extractive}. */
    record Made(String method, String text) {}

    Made summarize(String previous, List<List<Message>> turns, int maxChars);
}
