package dev.heartbeat.daemon;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.Cluster;
import dev.heartbeat.store.Store;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Which daemons serve an agent: the process holding a SQLite store's lock, or the live nodes of its cluster. */
public final class Daemons {
    private Daemons() {}

    /** This machine's host name, as daemons and pauses name where they run. */
    public static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The Quartz scheduler name every node of the agent's cluster shares. */
    public static String schedulerName(AgentConfig config) {
        return "heartbeat-" + config.agent().name();
    }

    /**
     * Who is running, in words ("pid 12 on web1", "2 cluster nodes: a, b"), or empty when no daemon is.
     * {@code store} may be null when there is no database yet.
     */
    public static Optional<String> running(AgentConfig config, Store store, Instant now) {
        if (!config.storage().postgres()) {
            return InstanceLock.holder(AgentRuntime.databaseFile(config)).filter(h -> !InstanceLock.isOnce(h));
        }
        if (store == null) {
            return Optional.empty();
        }
        List<Cluster.Node> live = store.cluster().clusterNodes(schedulerName(config)).stream()
                .filter(n -> n.alive(now))
                .toList();
        if (live.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(live.size() + " cluster node" + (live.size() == 1 ? "" : "s") + ": "
                + String.join(", ", live.stream().map(Cluster.Node::id).toList()));
    }
}
