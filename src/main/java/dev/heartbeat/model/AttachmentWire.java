package dev.heartbeat.model;

import dev.heartbeat.transcript.Attachment;
import dev.heartbeat.transcript.UserMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.PdfFileContent;
import dev.langchain4j.data.message.TextContent;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A user turn's text and attachments as LangChain4j contents: images and PDFs as what they are, a plain-text
 * document as its text. An attachment that cannot be sent says so in the turn, so the model is never
 * silently shown less than the history holds.
 */
final class AttachmentWire {
    private AttachmentWire() {}

    static List<Content> contents(UserMessage u) {
        List<Content> out = new ArrayList<>();
        if (!u.text().isBlank()) {
            out.add(TextContent.from(u.text()));
        }
        for (Attachment a : u.attachments()) {
            out.add(content(a));
        }
        return out;
    }

    private static Content content(Attachment a) {
        String data = a.base64();
        String url = a.url();
        String text = a.text();
        if (a.kind().equals("image")) {
            if (data != null) {
                return ImageContent.from(data, a.mediaType());
            }
            if (url != null) {
                return ImageContent.from(URI.create(url));
            }
        } else if (text != null) {
            return TextContent.from(text);
        } else if (a.mediaType().equals("application/pdf") && data != null) {
            return PdfFileContent.from(data, a.mediaType());
        } else if (url != null && url.endsWith(".pdf")) {
            return PdfFileContent.from(URI.create(url));
        }
        return TextContent.from("[an attached " + a.kind() + " (" + a.mediaType() + ") that cannot be sent here]");
    }
}
