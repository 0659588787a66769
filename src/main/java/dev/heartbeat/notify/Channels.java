package dev.heartbeat.notify;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ChannelType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one place each channel type is built from its configuration. The switch is over {@link ChannelType},
 * the names the configuration was checked against, so a new type that is not built here does not compile.
 */
final class Channels {
    private Channels() {}

    /** A configured channel with the name it has in records, and its settings (its delivery window). */
    record Named(String name, NotifyChannel channel, AgentConfig.Channel settings) {}

    static List<Named> of(AgentConfig config, WebhookOutbox outbox) {
        List<AgentConfig.Channel> channels = config.notifications().channels();
        List<Named> out = new ArrayList<>(channels.size());
        for (int i = 0; i < channels.size(); i++) {
            AgentConfig.Channel c = channels.get(i);
            NotifyChannel channel = switch (c.type()) {
                case LOG -> new LogChannel(config.agent().name());
                case FILE -> new FileChannel(config.resolve(Objects.requireNonNull(c.path(), "checked by the loader")));
                case WEBHOOK -> new WebhookChannel(outbox, c);
                case SLACK -> new SlackChannel(outbox, c, config.agent().name());
                case NTFY -> new NtfyChannel(outbox, c);
                case EMAIL -> new EmailChannel(outbox, c);
            };
            out.add(new Named(Notifier.channelName(channels, i), channel, c));
        }
        return List.copyOf(out);
    }
}
