package dev.heartbeat.daemon;

import dev.heartbeat.store.Cluster;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.SchedulerStateRecord;

/**
 * Quartz's JDBC job store with a shorter wait before a silent node is taken for dead: its check-in
 * interval plus {@link Cluster.Node#FAILURE_MARGIN} instead of plus 7.5 s. Nodes whose clocks are more than
 * 1 s off the database's do not join, and a node wrongly taken for dead cannot make beats overlap or
 * repeat (the beat lock and the fence), so the margin only has to cover a late check-in.
 */
public class ClusteredJobStore extends JobStoreTX {
    @Override
    protected long calcFailedIfAfter(SchedulerStateRecord rec) {
        long late = System.currentTimeMillis() - lastCheckin;
        return rec.getCheckinTimestamp()
                + Math.max(rec.getCheckinInterval(), late)
                + Cluster.Node.FAILURE_MARGIN.toMillis();
    }
}
