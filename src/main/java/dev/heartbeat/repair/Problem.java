package dev.heartbeat.repair;

/** A place where a history breaks a provider's rule: the rule, the message's position, and what is wrong. */
public record Problem(HistoryRule rule, int index, String detail) {
    @Override
    public String toString() {
        return "message " + index + ": " + rule + ": " + detail;
    }
}
