package dev.heartbeat.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartbeat.support.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The decision log's tamper evidence: each record's {@code hash} is SHA-256 over the canonical JSON
 * of the record (its {@code prev_hash} included, its {@code hash} left out), or, with a chain key,
 * HMAC-SHA-256 under that key, written with the prefix {@value #KEYED}: without the key nobody can
 * rewrite a record and compute a hash that verifies.
 */
public final class HashChain {
    /** The {@code prev_hash} of the first record. */
    public static final String GENESIS = "0".repeat(64);

    private HashChain() {}

    /** The prefix of a hash made with the chain key. */
    public static final String KEYED = "hmac-sha256:";

    /** The record with {@code prevHash} set and its own hash computed. */
    public static Decision seal(Decision decision, String prevHash) {
        return seal(decision, prevHash, null);
    }

    /** The same, keyed with HMAC when {@code key} is given. */
    public static Decision seal(Decision decision, String prevHash, byte @Nullable [] key) {
        Decision linked = decision.chained(prevHash, null);
        return linked.chained(prevHash, hashOf(Json.toTree(linked), key));
    }

    /** The hash a stored record should carry, computed from its JSON as stored. */
    public static String hashOf(JsonNode record) {
        return hashOf(record, null);
    }

    /** The same, keyed with HMAC when {@code key} is given. */
    public static String hashOf(JsonNode record, byte @Nullable [] key) {
        ObjectNode copy = record.deepCopy();
        copy.remove("hash");
        String canonical = Json.canonical(copy);
        return key == null ? sha256(canonical) : KEYED + HexFormat.of().formatHex(hmacSha256(key, canonical));
    }

    /** HMAC-SHA-256 of the text's UTF-8 bytes under {@code key}. */
    public static byte[] hmacSha256(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
        }
    }

    /** The key's bytes, or null without a key. */
    public static byte @Nullable [] key(@Nullable String secret) {
        return secret == null || secret.isBlank() ? null : secret.getBytes(StandardCharsets.UTF_8);
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
