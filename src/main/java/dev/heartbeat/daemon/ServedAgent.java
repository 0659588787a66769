package dev.heartbeat.daemon;

import dev.heartbeat.config.AgentConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.quartz.JobKey;

/**
 * One agent the daemon serves: its runtime (its own model router and breakers, budget, tools and beat lock), its
 * schedule and job, and how its beats are going. Nothing here is shared with the daemon's other agents, so one
 * agent's stuck or failing beat is its own.
 */
final class ServedAgent {
    final AgentConfig config;
    final Schedule schedule;
    final JobKey job;
    final AgentRuntime runtime;
    final MissedTicks missed;
    final AtomicReference<Instant> beatStartedAt = new AtomicReference<>();
    volatile String lastBeat = "no beat yet";

    ServedAgent(AgentConfig config, Schedule schedule, AgentRuntime runtime, MissedTicks missed) {
        this.config = config;
        this.schedule = schedule;
        this.job = jobKey(config.agent().name());
        this.runtime = runtime;
        this.missed = missed;
    }

    /** The heartbeat job of the agent: its group is the agent's name (as before there were several). */
    static JobKey jobKey(String agent) {
        return JobKey.jobKey("heartbeat", agent);
    }

    String name() {
        return config.agent().name();
    }

    /** Why this agent's beat looks stuck (running past every bound it has), or empty. */
    Optional<String> stuck(Instant now) {
        Instant started = beatStartedAt.get();
        Duration limit = config.model()
                .timeout()
                .plusSeconds(30)
                .multipliedBy(config.heartbeat().maxSteps() + 1L);
        if (started != null && Duration.between(started, now).compareTo(limit) > 0) {
            return Optional.of("a beat of " + name() + " has been running since " + started + ", longer than " + limit);
        }
        return Optional.empty();
    }
}
