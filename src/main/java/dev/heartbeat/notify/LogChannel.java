package dev.heartbeat.notify;

import dev.heartbeat.audit.Decision.NotificationRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code type: log}: the daemon's log (the journal under systemd), at the level of the severity. */
final class LogChannel implements NotifyChannel {
    private static final Logger LOG = LoggerFactory.getLogger("dev.heartbeat.notify");

    private final String agent;

    LogChannel(String agent) {
        this.agent = agent;
    }

    @Override
    public NotificationRecord deliver(Delivery d) {
        switch (d.severity()) {
            case "critical" -> LOG.error("[{}] {}", agent, d.text());
            case "warning" -> LOG.warn("[{}] {}", agent, d.text());
            default -> LOG.info("[{}] {}", agent, d.text());
        }
        return new NotificationRecord(d.channel(), d.severity(), "sent", "logged");
    }
}
