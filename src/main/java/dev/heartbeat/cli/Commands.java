package dev.heartbeat.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The commands and the groups' subcommands by name, and which of them a command line's arguments need built. Picocli
 * builds a command's model by reflection over it and all its subcommands: building every command at each start cost
 * a command about 0.12 s of CPU, and a group's every subcommand ~30 ms more ({@code decisions list} built show,
 * verify and stats too). So only the command the arguments name is built, and of a group only the subcommand the
 * next word names; help, a missing or an unknown word get them all (picocli lists them, or suggests the nearest). The
 * names are written here, not read from each class's annotation: parsing the annotations cost ~20 ms of a start
 * (CommandLineTest checks the names are the annotations').
 */
final class Commands {
    /** The commands by name, in the order help lists them. */
    static final Map<String, Class<?>> TOP = ordered(
            entry("run", RunCommand.class),
            entry("once", OnceCommand.class),
            entry("wake", WakeCommand.class),
            entry("status", StatusCommand.class),
            entry("pause", PauseCommand.Pause.class),
            entry("resume", PauseCommand.Resume.class),
            entry("approvals", ApprovalsCommand.class),
            entry("tools", ToolsCommand.class),
            entry("notify", NotifyCommand.class),
            entry("sessions", SessionsCommand.class),
            entry("decisions", DecisionsCommand.class),
            entry("config", ConfigCommand.class),
            entry("migrate", MigrateCommand.class),
            entry("help", CommandLine.HelpCommand.class));

    private Commands() {}

    /** {@code root} with the commands {@code args} need added to it. */
    static CommandLine addNamed(CommandLine root, String[] args) {
        Named top = named(TOP, args, 0);
        for (Class<?> command : top.commands()) {
            Map<String, Class<?>> subcommands = subcommands(command);
            if (subcommands.isEmpty()) {
                root.addSubcommand(command);
                continue;
            }
            CommandLine built = new CommandLine(command);
            List<Class<?>> needed = top.index() < 0
                    ? List.copyOf(subcommands.values())
                    : named(subcommands, args, top.index() + 1).orAll(subcommands);
            needed.forEach(built::addSubcommand);
            root.addSubcommand(built);
        }
        return root;
    }

    /**
     * A group's subcommands by name, in the order its help lists them (none for a command that is not a group). Made
     * when asked for: a class literal loads its class, and every command would load every group's subcommands.
     */
    static Map<String, Class<?>> subcommands(Class<?> command) {
        if (command == ApprovalsCommand.class) {
            return ordered(
                    entry("list", ApprovalsCommand.ListApprovals.class),
                    entry("approve", ApprovalsCommand.Approve.class),
                    entry("deny", ApprovalsCommand.Deny.class));
        }
        if (command == ToolsCommand.class) {
            return ordered(entry("list", ToolsCommand.ListTools.class));
        }
        if (command == NotifyCommand.class) {
            return ordered(entry("test", NotifyCommand.Test.class));
        }
        if (command == SessionsCommand.class) {
            return ordered(
                    entry("list", SessionsCommand.ListSessions.class),
                    entry("show", SessionsCommand.Show.class),
                    entry("import", SessionsImport.class),
                    entry("export", SessionsExport.class),
                    entry("check", SessionsCheck.class),
                    entry("repair", SessionsRepair.class),
                    entry("prune", SessionsPrune.class));
        }
        if (command == DecisionsCommand.class) {
            return ordered(
                    entry("list", DecisionsCommand.ListDecisions.class),
                    entry("show", DecisionsCommand.Show.class),
                    entry("verify", DecisionsCommand.Verify.class),
                    entry("stats", DecisionsStats.class));
        }
        if (command == ConfigCommand.class) {
            return ordered(entry("check", ConfigCommand.Check.class));
        }
        return Map.of();
    }

    /** The commands the first word names: none when no word does ({@code --once}, the daemon). */
    static List<Class<?>> namedIn(String[] args) {
        return named(TOP, args, 0).commands();
    }

    /**
     * What the words of {@code args} from {@code from} on ask of {@code names}: the command the first word names
     * ({@code index} is that word's), or every one when that word names none or help is asked for first
     * ({@code index} -1); none when there is no word. A command takes no words before its subcommand's name, so
     * the first is the name; only {@code --config} and {@code --agent} (inherited everywhere) take a value first.
     */
    private static Named named(Map<String, Class<?>> names, String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-c") || arg.equals("--config") || arg.equals("--agent")) {
                i++;
            } else if (arg.equals("-h") || arg.equals("--help")) {
                return new Named(List.copyOf(names.values()), -1);
            } else if (!arg.startsWith("-")) {
                Class<?> named = arg.equals("help") ? null : names.get(arg);
                return named != null ? new Named(List.of(named), i) : new Named(List.copyOf(names.values()), -1);
            }
        }
        return new Named(List.of(), -1);
    }

    /** The commands a word named, and that word's index (-1 when no one word named them). */
    private record Named(List<Class<?>> commands, int index) {
        /** A group with no word for its subcommand gets them all: picocli then lists them. */
        List<Class<?>> orAll(Map<String, Class<?>> names) {
            return commands.isEmpty() ? List.copyOf(names.values()) : commands;
        }
    }

    @SafeVarargs
    private static Map<String, Class<?>> ordered(Map.Entry<String, Class<?>>... commands) {
        Map<String, Class<?>> map = new LinkedHashMap<>();
        for (Map.Entry<String, Class<?>> command : commands) {
            map.put(command.getKey(), command.getValue());
        }
        return Collections.unmodifiableMap(map);
    }

    private static Map.Entry<String, Class<?>> entry(String name, Class<?> command) {
        return Map.entry(name, command);
    }
}
