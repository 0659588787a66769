package dev.heartbeat.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The agents one configuration file runs in one daemon, over one store: the file's own agent, or with
 * {@code agents:} / agents.d/ each entry laid over the file's top level. {@code several} is whether the file
 * declares agents that way (even one): then each agent's pause and scheduler are named apart from the others'.
 */
public record Fleet(Path file, List<AgentConfig> agents, boolean several) {
    public Fleet {
        agents = List.copyOf(agents);
        if (agents.isEmpty()) {
            throw new IllegalArgumentException("a fleet has at least one agent");
        }
    }

    /** A fleet of the one agent a file of today configures. */
    public static Fleet of(AgentConfig agent) {
        return new Fleet(agent.file(), List.of(agent), false);
    }

    public List<String> names() {
        return agents.stream().map(a -> a.agent().name()).toList();
    }

    public Optional<AgentConfig> find(String name) {
        return agents.stream().filter(a -> a.agent().name().equals(name)).findFirst();
    }

    /** The settings every agent shares (storage, audit, logging, observability): the first agent's. */
    public AgentConfig shared() {
        return agents.get(0);
    }
}
