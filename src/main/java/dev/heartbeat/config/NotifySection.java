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
                throw parse.error(at, "each channel needs a type: log, file or webhook");
            }
            if (c.type() == ChannelType.WEBHOOK) {
                if (c.url() == null) {
                    throw parse.error(at, "a webhook channel needs url: https://...");
                }
                httpUrl(at + "/url", c.url().toString());
            }
            if (c.type() == ChannelType.FILE && (c.path() == null || c.path().isBlank())) {
                throw parse.error(at, "a file channel needs path: (a file to append notifications to)");
            }
        }
    }
}
