package dev.heartbeat.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

    /** The section checked, each channel's delivery window in the agent's zone unless it names one. */
    AgentConfig.Notify notifyChannels() {
        if (config.notifications().alertAfterFailures() < 0) {
            throw parse.error("/notify/alert-after-failures", "must be 0 (off) or more");
        }
        List<AgentConfig.Channel> channels = config.notifications().channels();
        List<AgentConfig.Channel> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < channels.size(); i++) {
            AgentConfig.Channel c = channels.get(i);
            String at = "/notify/channels/" + i;
            if (c == null || c.type() == null) {
                throw parse.error(at, "each channel needs a type: log, file, webhook, slack, ntfy or email");
            }
            if (c.name() != null && !ConfigLoader.AGENT_NAME.matcher(c.name()).matches()) {
                throw parse.error(
                        at + "/name",
                        "use letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit");
            }
            if (c.name() != null && !names.add(c.name())) {
                throw parse.error(at + "/name", "another channel is named '" + c.name() + "'; give each its own");
            }
            out.add(deliverHours(at, c));
            check(at, c);
        }
        return new AgentConfig.Notify(
                out,
                config.notifications().dedupeWindow(),
                config.notifications().alertAfterFailures());
    }

    private AgentConfig.Channel deliverHours(String at, AgentConfig.Channel c) {
        AgentConfig.ActiveHours window = c.deliverHours();
        if (window == null) {
            return c;
        }
        if (window.start() == null || window.end() == null) {
            throw parse.error(
                    at + "/deliver-hours", "give start and end, such as { start: \"08:00\", end: \"22:00\" }");
        }
        if (window.start().equals(window.end())) {
            throw parse.error(at + "/deliver-hours", "start equals end: the window would never open");
        }
        if (!parse.has(at + "/deliver-hours/timezone")) {
            return c.withDeliverHours(new AgentConfig.ActiveHours(
                    window.start(), window.end(), config.agent().timezone()));
        }
        return c;
    }

    private void check(String at, AgentConfig.Channel c) {
        if (c.type() == ChannelType.EMAIL) {
            email(at, c);
            return;
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
