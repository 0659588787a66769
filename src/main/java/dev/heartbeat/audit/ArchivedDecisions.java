package dev.heartbeat.audit;

import org.jspecify.annotations.Nullable;

/**
 * One archive of decisions moved out of the store by {@code audit.retention}: records {@code firstSeq} to
 * {@code throughSeq} in {@code file} (relative to the state folder), chained from {@code firstPrev} to
 * {@code lastHash}; {@code seal} is an HMAC over all of it under the chain key, null without a key.
 */
public record ArchivedDecisions(
        long firstSeq,
        long throughSeq,
        int records,
        @Nullable String firstPrev,
        String lastHash,
        String file,
        String fileSha256,
        @Nullable String seal,
        String archivedAt) {
    /** The text the seal covers: every field but the seal and the time. */
    public String sealText() {
        return firstSeq + "|" + throughSeq + "|" + records + "|" + firstPrev + "|" + lastHash + "|" + file + "|"
                + fileSha256;
    }
}
