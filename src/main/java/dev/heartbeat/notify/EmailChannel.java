package dev.heartbeat.notify;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.Outbox;
import dev.heartbeat.support.Texts;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * {@code type: email}: a plain-text mail through an SMTP server ({@code url: smtp://HOST:587} with STARTTLS, or
 * {@code smtps://HOST:465}), through the outbox like the HTTP channels: queued first, retried while the server
 * is away or answers 4xx, a dead letter on 5xx. A login is never sent over a connection that is not encrypted,
 * except to this machine's own server.
 */
final class EmailChannel extends OutboxChannel {
    private static final int TIMEOUT_MS = 10_000;

    EmailChannel(WebhookOutbox outbox, AgentConfig.Channel settings) {
        super(outbox, settings);
    }

    @Override
    String body(Delivery d) {
        return d.text();
    }

    /** One attempt to hand the queued mail to the SMTP server. */
    static WebhookOutbox.Delivery send(AgentConfig.Channel channel, Outbox.Outgoing row, String agent) {
        URI url = Objects.requireNonNull(channel.url(), "checked by the loader");
        boolean tls = "smtps".equals(url.getScheme());
        String protocol = tls ? "smtps" : "smtp";
        int port = url.getPort() > 0 ? url.getPort() : tls ? 465 : 587;
        Properties p = new Properties();
        p.put("mail." + protocol + ".host", url.getHost());
        p.put("mail." + protocol + ".port", Integer.toString(port));
        p.put("mail." + protocol + ".connectiontimeout", Integer.toString(TIMEOUT_MS));
        p.put("mail." + protocol + ".timeout", Integer.toString(TIMEOUT_MS));
        p.put("mail." + protocol + ".writetimeout", Integer.toString(TIMEOUT_MS));
        p.put("mail." + protocol + ".auth", Boolean.toString(channel.username() != null));
        if (!tls) {
            p.put("mail.smtp.starttls.enable", "true");
            // A password goes only over an encrypted connection, unless the server is this machine's own.
            p.put("mail.smtp.starttls.required", Boolean.toString(channel.username() != null && !local(url.getHost())));
        }
        Session session = Session.getInstance(p);
        try {
            MimeMessage mail = new MimeMessage(session);
            mail.setFrom(new InternetAddress(Objects.requireNonNull(channel.from(), "checked by the loader")));
            for (String to : channel.to()) {
                mail.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            String first = row.body().strip().lines().findFirst().orElse("");
            mail.setSubject(
                    "[heartbeat-agent " + agent + "] " + row.severity() + ": " + Texts.cut(first, 120),
                    StandardCharsets.UTF_8.name());
            mail.setText(row.body(), StandardCharsets.UTF_8.name());
            // The same key on every attempt, as the webhook's Idempotency-Key: a mail filter can drop repeats.
            mail.setHeader("X-Heartbeat-Idempotency-Key", row.receiverKey());
            try (Transport transport = session.getTransport(protocol)) {
                transport.connect(
                        url.getHost(),
                        port,
                        channel.username(),
                        channel.password().value());
                transport.sendMessage(mail, mail.getAllRecipients());
            }
            return new WebhookOutbox.Delivery(true, 250, null, false, Optional.empty());
        } catch (AuthenticationFailedException e) {
            return new WebhookOutbox.Delivery(
                    false, 535, "the SMTP server refused the login (username, password)", false, Optional.empty());
        } catch (SMTPSendFailedException e) {
            int code = e.getReturnCode();
            return new WebhookOutbox.Delivery(
                    false, code, "SMTP " + code + ": " + Texts.message(e).strip(), code / 100 == 4, Optional.empty());
        } catch (AddressException e) {
            return new WebhookOutbox.Delivery(false, 0, "bad address: " + Texts.message(e), false, Optional.empty());
        } catch (MessagingException e) {
            return new WebhookOutbox.Delivery(false, 0, describe(e, url), true, Optional.empty());
        }
    }

    private static String describe(MessagingException e, URI url) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "cannot connect to " + url.getHost() + ":" + (url.getPort() > 0 ? url.getPort() : "");
            }
            if (t instanceof SocketTimeoutException) {
                return "no answer within " + TIMEOUT_MS / 1000 + "s";
            }
            if (t instanceof UnknownHostException) {
                return "host '" + url.getHost() + "' does not resolve";
            }
        }
        return Texts.message(e).strip();
    }

    private static boolean local(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
