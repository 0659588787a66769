package dev.heartbeat.notify;

import dev.heartbeat.config.AgentConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place each channel type is built from its configuration (a new type is also named in
 * {@code ConfigLoader.CHANNEL_TYPES}, which checks the configuration before anything is built).
 */
final class Channels {
    private Channels() {}

    /** A configured channel with the name it has in records. */
    record Named(String name, NotifyChannel channel) {}

    static List<Named> of(AgentConfig config, WebhookOutbox outbox) {
        List<AgentConfig.Channel> channels = config.notifications().channels();
        List<Named> out = new ArrayList<>(channels.size());
        for (int i = 0; i < channels.size(); i++) {
            AgentConfig.Channel c = channels.get(i);
            NotifyChannel channel = switch (c.type()) {
                case "log" -> new LogChannel(config.agent().name());
                case "file" -> new FileChannel(config.resolve(c.path()));
                case "webhook" -> new WebhookChannel(outbox, c);
                default -> throw new IllegalArgumentException("unknown channel type " + c.type());
            };
            out.add(new Named(Notifier.channelName(channels, i), channel));
        }
        return List.copyOf(out);
    }
}
