package dev.heartbeat.cli;

import dev.heartbeat.audit.Decision.NotificationRecord;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.notify.Notifier;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Ids;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code notify test}: one line to a channel, to see that the operator gets what the agent sends.
 *
 * <p>Its subcommands are named in {@link Commands#subcommands}: the command line builds only the one it runs.
 */
@Command(name = "notify", mixinStandardHelpOptions = true, description = "The agent's notification channels.")
final class NotifyCommand {
    private NotifyCommand() {}

    @Command(
            name = "test",
            mixinStandardHelpOptions = true,
            description = {
                "Send one line to a channel now (every channel without --channel) and say what became of it: sent, "
                        + "queued for a retry (the first try failed: why), or failed. The dedupe window and "
                        + "deliver-hours do not hold a test back.",
                "Exit 0 when every channel tried took it at once, 1 otherwise."
            })
    static final class Test implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--channel",
                paramLabel = "NAME",
                description = "the channel: its name, or its type (numbered type#N when there are several)")
        String channel;

        @Override
        public Integer call() {
            Main main = Main.root(spec);
            AgentConfig config = main.inspectionConfig();
            List<NotificationRecord> results = new ArrayList<>();
            try (Store store = main.writeStore(config)) {
                Notifier notifier = new Notifier(config, main.clock, store);
                List<String> names = channel == null ? notifier.channelNames() : List.of(channel);
                String beatId = "notify-test-" + Ids.next(main.clock);
                for (String name : names) {
                    Optional<NotificationRecord> r = notifier.test(name, beatId);
                    if (r.isEmpty()) {
                        throw UserError.usage("--channel " + name + ": no such channel; the channels of "
                                + config.agent().name() + ": " + String.join(", ", notifier.channelNames()));
                    }
                    results.add(r.get());
                }
            }
            PrintWriter out = main.out();
            boolean allTook = true;
            for (NotificationRecord r : results) {
                out.println(r.channel() + ": " + r.status() + (r.detail().isBlank() ? "" : " (" + r.detail() + ")"));
                allTook &= r.status().equals("sent");
            }
            out.flush();
            return allTook ? 0 : 1;
        }
    }
}
