package dev.heartbeat.config;

import java.util.List;

/** The notify section: the channels, each of a known type with what it needs. */
final class NotifySection extends Section {
    NotifySection(Input in) {
        super(in);
    }

    /** An e-mail channel: an smtp:// or smtps:// server, whom to, from whom, and a login given whole or not at all. */
    private void email(String at, AgentConfig.Channel c) {
        if (c.url() == null
                || c.url().getHost() == null
                || !("smtp".equals(c.url().getScheme())
                        || "smtps".equals(c.url().getScheme()))) {
            throw parse.error(
                    c.url() == null ? at : at + "/url",
                    "an email channel needs url: smtp://HOST:587 (STARTTLS) or smtps://HOST:465 (TLS)");
        }
        if (c.to().isEmpty() || c.to().stream().anyMatch(a -> a == null || !a.contains("@"))) {
            throw parse.error(c.to().isEmpty() ? at : at + "/to", "an email channel needs to: [addresses]");
        }
        if (c.from() == null || !c.from().contains("@")) {
            throw parse.error(at, "an email channel needs from: an address the server accepts mail from");
        }
        if ((c.username() == null) != !c.password().isPresent()) {
            throw parse.error(at, "give both username and password for an SMTP server that wants a login, or neither");
        }
        if (!c.headers().isEmpty() || c.secret().isPresent()) {
            throw parse.error(at, "headers and secret are for HTTP channels");
        }
    }

    void notifyChannels() {
        if (config.notifications().alertAfterFailures() < 0) {
            throw parse.error("/notify/alert-after-failures", "must be 0 (off) or more");
        }
        List<AgentConfig.Channel> channels = config.notifications().channels();
        for (int i = 0; i < channels.size(); i++) {
            AgentConfig.Channel c = channels.get(i);
            String at = "/notify/channels/" + i;
            if (c == null || c.type() == null) {
                throw parse.error(at, "each channel needs a type: log, file, webhook, slack, ntfy or email");
            }
            if (c.type() == ChannelType.EMAIL) {
                email(at, c);
                continue;
            }
            if (!c.to().isEmpty()
                    || c.from() != null
                    || c.username() != null
                    || c.password().isPresent()) {
                throw parse.error(at, "to, from, username and password are an email channel's keys");
            }
            if (c.type().outboxed()) {
                if (c.url() == null) {
                    throw parse.error(
                            at,
                            "a " + c.type() + " channel needs url: "
                                    + switch (c.type()) {
                                        case SLACK -> "the incoming webhook's https://hooks.slack.com/services/...";
                                        case NTFY -> "the topic's https://ntfy.sh/TOPIC (or your server's)";
                                        default -> "https://...";
                                    });
                }
                httpUrl(at + "/url", c.url().toString());
            }
            if (c.type() != ChannelType.WEBHOOK && c.secret().isPresent()) {
                throw parse.error(at + "/secret", "only a webhook channel signs its posts with a secret");
            }
            if (c.type() == ChannelType.FILE && (c.path() == null || c.path().isBlank())) {
                throw parse.error(at, "a file channel needs path: (a file to append notifications to)");
            }
        }
    }
}
