package dev.heartbeat.transcript;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An image or a document a user turn carries, kept as the provider's own block ({@code format}: whose,
 * {@code anthropic} or {@code openai}), so it goes back out in that format exactly as it came. What it is — kind,
 * media type, base64 data or URL — is read from the block; {@link #in} writes it in the other format where that
 * format can hold it.
 */
public record Attachment(String format, JsonNode block) {
    public static final String ANTHROPIC = "anthropic";
    public static final String OPENAI = "openai";

    /** Whether a provider block is one this type holds: an image or a document. */
    public static boolean holds(String format, JsonNode block) {
        String type = block.path("type").asText();
        return format.equals(ANTHROPIC)
                ? type.equals("image") || type.equals("document")
                : type.equals("image_url") || type.equals("file");
    }

    /** {@code image} or {@code document}. */
    public String kind() {
        String type = block.path("type").asText();
        return type.equals("image") || type.equals("image_url") ? "image" : "document";
    }

    private JsonNode source() {
        return block.path("source");
    }

    /** A {@code data:} URL's parts, or null. */
    private String @Nullable [] dataUrl() {
        String url = format.equals(OPENAI)
                ? (kind().equals("image")
                        ? block.path("image_url").path("url").asText("")
                        : block.path("file").path("file_data").asText(""))
                : "";
        int comma = url.indexOf(',');
        if (!url.startsWith("data:") || comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
            return null;
        }
        return new String[] {url.substring(5, comma - ";base64".length()), url.substring(comma + 1)};
    }

    public String mediaType() {
        if (format.equals(ANTHROPIC)) {
            String declared = source().path("media_type").asText("");
            return !declared.isEmpty()
                    ? declared
                    : source().path("type").asText().equals("text") ? "text/plain" : "";
        }
        String[] data = dataUrl();
        return data != null ? data[0] : "";
    }

    /** The base64 data, when the block carries its content. */
    public @Nullable String base64() {
        if (format.equals(ANTHROPIC)) {
            return source().path("type").asText().equals("base64")
                    ? source().path("data").asText(null)
                    : null;
        }
        String[] data = dataUrl();
        return data != null ? data[1] : null;
    }

    /** The URL it points at, when it is not inline. */
    public @Nullable String url() {
        if (format.equals(ANTHROPIC)) {
            return source().path("type").asText().equals("url")
                    ? source().path("url").asText(null)
                    : null;
        }
        if (dataUrl() != null || !kind().equals("image")) {
            return null;
        }
        return block.path("image_url").path("url").asText(null);
    }

    /** A plain-text document's text (Anthropic's {@code text} source). */
    public @Nullable String text() {
        return format.equals(ANTHROPIC) && source().path("type").asText().equals("text")
                ? source().path("data").asText(null)
                : null;
    }

    /** Its size in bytes (decoded), or in characters for a text document. */
    public int size() {
        String b = base64();
        String t = text();
        if (b != null) {
            String data = b.strip();
            int padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
            return data.length() * 3 / 4 - padding;
        }
        return t != null ? t.length() : 0;
    }

    /** The block in {@code target}'s format: this block itself, or a conversion where that format can hold it. */
    public Optional<JsonNode> in(String target) {
        if (target.equals(format)) {
            return Optional.of(block);
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        String b64 = base64();
        String link = url();
        String t = text();
        if (target.equals(ANTHROPIC)) {
            ObjectNode out = f.objectNode().put("type", kind());
            if (b64 != null) {
                out.putObject("source")
                        .put("type", "base64")
                        .put("media_type", mediaType())
                        .put("data", b64);
            } else if (link != null) {
                out.putObject("source").put("type", "url").put("url", link);
            } else {
                return Optional.empty();
            }
            return Optional.of(out);
        }
        if (kind().equals("image")) {
            String u = b64 != null ? "data:" + mediaType() + ";base64," + b64 : link;
            return u == null
                    ? Optional.empty()
                    : Optional.of(f.objectNode()
                            .put("type", "image_url")
                            .set("image_url", f.objectNode().put("url", u)));
        }
        if (t != null) {
            return Optional.of(f.objectNode().put("type", "text").put("text", t));
        }
        if (b64 != null) {
            ObjectNode out = f.objectNode().put("type", "file");
            out.putObject("file").put("file_data", "data:" + mediaType() + ";base64," + b64);
            return Optional.of(out);
        }
        return Optional.empty();
    }
}
