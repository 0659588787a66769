package dev.heartbeat.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The decision log's tamper evidence: each record's {@code hash} is SHA-256 over the canonical JSON
 * of the record (its {@code prev_hash} included, its {@code hash} left out).
 */
public final class HashChain {
    /** The {@code prev_hash} of the first record. */
    public static final String GENESIS = "0".repeat(64);

    private HashChain() {
    }

    /** The record with {@code prevHash} set and its own hash computed. */
    public static Decision seal(Decision decision, String prevHash) {
        Decision linked = decision.chained(prevHash, null);
        return linked.chained(prevHash, hashOf(Json.MAPPER.valueToTree(linked)));
    }

    /** The hash a stored record should carry, computed from its JSON as stored. */
    public static String hashOf(JsonNode record) {
        ObjectNode copy = record.deepCopy();
        copy.remove("hash");
        return sha256(Json.canonical(copy));
    }

    /** Hex SHA-256 of the text's UTF-8 bytes. */
    public static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
