package dev.heartbeat.config;

import java.util.List;

/** The notify section: the channels, each of a known type with what it needs. */
final class NotifySection extends Section {
    NotifySection(Input in) {
        super(in);
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
                throw parse.error(at, "each channel needs a type: log, file, webhook, slack or ntfy");
            }
            if (c.type().posted()) {
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
