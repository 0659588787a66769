package dev.heartbeat.config;

import java.text.ParseException;
import java.time.Duration;
import java.util.Date;
import java.util.TimeZone;
import org.quartz.CronExpression;

/** The heartbeat section: the schedule (every or cron) inside the active hours, the deadline, the checklist. */
final class HeartbeatSection extends Section {
    HeartbeatSection(Input in) {
        super(in);
    }

    AgentConfig.Heartbeat heartbeat() {
        AgentConfig.Heartbeat h = config.heartbeat();
        if (h.every().isNegative()) {
            throw parse.error("/heartbeat/every", "must not be negative; 0m turns the heartbeat off");
        }
        if (!h.every().isZero() && h.every().compareTo(Duration.ofSeconds(1)) < 0) {
            throw parse.error("/heartbeat/every", "must be at least 1s (or 0m to turn the heartbeat off)");
        }
        if (h.cron() != null) {
            if (parse.has("/heartbeat/every")) {
                throw parse.error("/heartbeat/cron", "set either heartbeat.every or heartbeat.cron, not both");
            }
            if (!CronExpression.isValidExpression(h.cron())) {
                String detail;
                try {
                    CronExpression.validateExpression(h.cron());
                    detail = "";
                } catch (ParseException e) {
                    detail = " (" + e.getMessage() + ")";
                }
                throw parse.error(
                        "/heartbeat/cron",
                        "'" + h.cron() + "' is not a Quartz cron expression" + detail
                                + "; it has six or seven fields starting with seconds, such as \"0 */30 * * * ?\"");
            }
        }
        if (h.every().compareTo(Duration.ofDays(1)) >= 0
                && h.every().toMillis() % Duration.ofDays(1).toMillis() != 0
                && h.cron() == null) {
            throw parse.error(
                    "/heartbeat/every",
                    "a period of a day or more must be whole days (24h, 48h, 7d...), "
                            + "so the beat keeps its time of day; for anything else use heartbeat.cron");
        }
        if (h.window().isPresent()) {
            AgentConfig.ActiveHours w = h.window().get();
            if (w.start() == null || w.end() == null) {
                throw parse.error(
                        "/heartbeat/active-hours",
                        "needs both start and end, such as " + "{ start: \"08:00\", end: \"22:00\" }");
            }
            if (w.start().equals(w.end())) {
                throw parse.error(
                        "/heartbeat/active-hours",
                        "start and end are both " + w.start() + ", so the "
                                + "heartbeat would never fire; leave active-hours out to beat at any hour, or set "
                                + "heartbeat.enabled: false");
            }
            // The window is in the agent's zone unless it names its own.
            if (!parse.has("/heartbeat/active-hours/timezone")) {
                w = new AgentConfig.ActiveHours(
                        w.start(), w.end(), config.agent().timezone());
                h = h.withActiveHours(w);
            }
            if (h.cron() != null && h.enabled() && !cronMeetsWindow(h.cron(), w)) {
                throw parse.error(
                        "/heartbeat/cron",
                        "'" + h.cron() + "' never fires inside the active hours " + w.start() + "-" + w.end() + " "
                                + w.timezone() + ", so the heartbeat would never run");
            }
        }
        if (h.maxSteps() < 1 || h.maxSteps() > 100) {
            throw parse.error("/heartbeat/max-steps", "must be between 1 and 100");
        }
        if (h.checklist().isBlank()) {
            throw parse.error("/heartbeat/checklist", "must name a file in the workspace");
        }
        positive("/heartbeat/deadline", h.deadline());
        if (h.shutdownGrace().isNegative()) {
            throw parse.error("/heartbeat/shutdown-grace", "must not be negative");
        }
        return h;
    }

    /** Whether the cron expression (in the agent's zone) fires inside the window within eight days. */
    private boolean cronMeetsWindow(String cron, AgentConfig.ActiveHours window) {
        try {
            CronExpression expression = new CronExpression(cron);
            expression.setTimeZone(TimeZone.getTimeZone(config.agent().timezone()));
            Date t = new Date();
            Date until = Date.from(t.toInstant().plus(Duration.ofDays(8)));
            for (int i = 0; i < 100_000 && t != null && t.before(until); i++) {
                t = expression.getNextValidTimeAfter(t);
                if (t != null
                        && window.contains(
                                t.toInstant().atZone(window.timezone()).toLocalTime())) {
                    return true;
                }
            }
            return false;
        } catch (ParseException e) {
            return true; // reported as an invalid expression above
        }
    }
}
