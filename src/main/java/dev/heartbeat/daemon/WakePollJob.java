package dev.heartbeat.daemon;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Takes wake requests from the store, so 'wake' works across processes. */
@DisallowConcurrentExecution
final class WakePollJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final Daemon daemon;

    WakePollJob(Daemon daemon) {
        this.daemon = daemon;
    }

    @Override
    public void execute(JobExecutionContext context) {
        try {
            daemon.poll();
        } catch (RuntimeException e) {
            LOG.warn("polling wake requests failed: {}", e.getMessage());
        }
    }
}
