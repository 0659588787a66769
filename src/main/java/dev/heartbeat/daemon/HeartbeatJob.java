package dev.heartbeat.daemon;

import dev.heartbeat.audit.Decision;
import org.jspecify.annotations.Nullable;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.InterruptableJob;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;

/** The heartbeat job: one at a time, interruptible when the grace period runs out. */
@DisallowConcurrentExecution
final class HeartbeatJob implements InterruptableJob {
    private final Daemon daemon;
    private volatile @Nullable Thread thread;

    HeartbeatJob(Daemon daemon) {
        this.daemon = daemon;
    }

    @Override
    public void execute(JobExecutionContext context) {
        thread = Thread.currentThread();
        try {
            JobDataMap data = context.getMergedJobDataMap();
            boolean manual = "manual".equals(data.getString("trigger"));
            daemon.beat(
                    context.getJobDetail().getKey().getGroup(),
                    manual ? Decision.Trigger.MANUAL : Decision.Trigger.SCHEDULE,
                    manual ? data.getString("reason") : null,
                    context.getScheduledFireTime().toInstant());
        } finally {
            thread = null;
        }
    }

    @Override
    public void interrupt() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
