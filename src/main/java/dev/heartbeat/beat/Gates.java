package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision.Gate;
import dev.heartbeat.audit.Decision.Usage;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.Control;
import dev.heartbeat.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The beat's gates, in order: enabled, paused (the PAUSE file, the pause kept in the store), active hours,
 * the checklist (there, not too big, not empty) and the daily budget. Each leaves a {@link Gate} on record;
 * the first that closes says why the beat is skipped.
 */
final class Gates {
    /** A gate that closed: its name, what it found, and the beat's reason to skip. */
    record Closed(String gate, String detail, String reason) {}

    static final long MAX_CHECKLIST_BYTES = 64 * 1024;
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    private final AgentConfig config;
    private final Store store;
    private final Clock clock;

    Gates(AgentConfig config, Store store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
    }

    /** Passes the gates, recording each in {@code record}; the first that closes, if any. */
    Optional<Closed> pass(
            BeatOptions options, List<Gate> record, DailyBudget budget, Usage usage, @Nullable Double cost) {
        AgentConfig.Heartbeat h = config.heartbeat();
        if (options.wakeReason() != null) {
            record.add(new Gate("wake", true, "asked for by 'wake': " + options.wakeReason()));
        }
        if (!h.enabled()) {
            record.add(new Gate("enabled", false, "heartbeat.enabled is false"));
            return closed("enabled", "heartbeat disabled (heartbeat.enabled: false)");
        }
        record.add(new Gate("enabled", true, "heartbeat is enabled"));
        // PAUSE stops every agent of the state folder; PAUSE.NAME this agent alone.
        for (Path pause : List.of(config.pauseFile(), config.agentPauseFile())) {
            if (Files.exists(pause)) {
                String why = readQuietly(pause);
                record.add(new Gate("paused", false, "PAUSE file at " + pause + (why.isBlank() ? "" : ": " + why)));
                return closed(
                        "paused",
                        "paused" + (why.isBlank() ? "" : ": " + why) + " (remove " + pause
                                + " or run 'heartbeat-agent resume')");
            }
        }
        Optional<Control.Pause> shared = store.control().pause(config.agent().name());
        if (shared.isPresent()) {
            String why = shared.get().reason() == null ? "" : shared.get().reason();
            record.add(new Gate(
                    "paused",
                    false,
                    "paused for every node since " + shared.get().since()
                            + (shared.get().by() == null
                                    ? ""
                                    : " by " + shared.get().by()) + (why.isBlank() ? "" : ": " + why)));
            return closed("paused", "paused" + (why.isBlank() ? "" : ": " + why) + " (run 'heartbeat-agent resume')");
        }
        record.add(new Gate("paused", true, "no PAUSE file, not paused in the store"));
        if (h.activeHours() != null) {
            AgentConfig.ActiveHours w = h.activeHours();
            ZonedDateTime local = ZonedDateTime.now(clock.withZone(w.timezone()));
            String window = HH_MM.format(w.start()) + "-" + HH_MM.format(w.end()) + " " + w.timezone();
            boolean inside = w.contains(local.toLocalTime());
            if (!inside && !options.force()) {
                record.add(new Gate("active_hours", false, HH_MM.format(local) + " is outside " + window));
                return closed("active_hours", "outside active hours (" + window + ")");
            }
            record.add(new Gate("active_hours", true, inside ? "inside " + window : "outside " + window + ", forced"));
        }
        Path file = config.checklist();
        if (!Files.isRegularFile(file)) {
            record.add(new Gate("checklist", false, "no file at " + file));
            return closed("checklist", "no checklist: " + file + " does not exist");
        }
        long size = sizeOf(file);
        if (size > MAX_CHECKLIST_BYTES) {
            record.add(new Gate("checklist", false, file + " is " + size / 1024 + " KiB"));
            return closed(
                    "checklist",
                    "the checklist " + file.getFileName() + " is " + size / 1024 + " KiB, more than "
                            + "64 KiB: it goes with every beat, so keep it short (move reference material to other files)");
        }
        Checklist checklist = read(file);
        if (checklist.isEmpty()) {
            record.add(new Gate("checklist", false, file + " holds only headings, blank lines or empty items"));
            return closed("checklist", "empty checklist");
        }
        record.add(new Gate("checklist", true, file.getFileName() + " has items"));
        Optional<String> spent = budget.spent(usage, cost);
        if (spent.isPresent()) {
            record.add(new Gate("budget", false, spent.get()));
            return Optional.of(new Closed("budget", spent.get(), "budget: " + spent.get()));
        }
        if (config.budget().any()) {
            record.add(new Gate("budget", true, "within today's budget"));
        }
        return Optional.empty();
    }

    /** The checklist as it is now. */
    static Checklist read(Path file) {
        try {
            return new Checklist(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the checklist " + file + ": " + e.getMessage(), e);
        }
    }

    private static Optional<Closed> closed(String gate, String reason) {
        return Optional.of(new Closed(gate, reason, reason));
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
