package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision.NotificationRecord;
import dev.heartbeat.audit.Decision.Outcome;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.model.ModelRouter;
import dev.heartbeat.notify.Notifier;
import dev.heartbeat.store.Store;
import java.util.ArrayList;
import java.util.List;

/** Watches a beat's outcome for the operator (see {@link #on}); not for dry runs. */
final class Alerts {
    private final AgentConfig config;
    private final Store store;
    private final Notifier notifier;

    Alerts(AgentConfig config, Store store, Notifier notifier) {
        this.config = config;
        this.store = store;
        this.notifier = notifier;
    }

    /**
     * An agent that stops working must say so: once when a provider's breaker opens, once when the
     * {@code notify.alert-after-failures}-th beat in a row fails, and once when beats work again.
     * Skipped beats neither count nor end a run of failures.
     */
    List<NotificationRecord> on(
            Outcome outcome, String reason, List<ModelRouter.BreakerChange> breakerChanges, String id) {
        List<NotificationRecord> notifications = new ArrayList<>();
        for (ModelRouter.BreakerChange change : breakerChanges) {
            if (change.opened()) {
                notifications.addAll(notifier.send(
                        "heartbeat-agent " + config.agent().name() + ": " + change.detail(),
                        "warning",
                        id,
                        id + ":breaker",
                        false));
            }
        }
        int threshold = config.notifications().alertAfterFailures();
        if (threshold < 1 || outcome == Outcome.SKIPPED) {
            return notifications;
        }
        long failedBefore = store.decisionLog().failedInARow(config.agent().name());
        if (outcome == Outcome.FAILED && failedBefore + 1 == threshold) {
            notifications.addAll(notifier.send(
                    "heartbeat-agent " + config.agent().name() + " has failed " + threshold
                            + " beats in a row and is not doing its checklist; the last: " + reason,
                    "critical",
                    id,
                    id + ":failing",
                    false));
        } else if (outcome != Outcome.FAILED && failedBefore >= threshold) {
            String breakers = breakerChanges.stream()
                    .filter(c -> !c.opened())
                    .map(c -> "; " + c.detail())
                    .reduce("", String::concat);
            notifications.addAll(notifier.send(
                    "heartbeat-agent " + config.agent().name() + " works again after " + failedBefore
                            + " failed beat(s)" + breakers + ".",
                    "info",
                    id,
                    id + ":recovered",
                    false));
        }
        return notifications;
    }
}
