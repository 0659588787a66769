package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigException;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.config.Durations;
import dev.heartbeat.config.Fleet;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.daemon.DaemonException;
import dev.heartbeat.logging.LogProvider;
import dev.heartbeat.store.SessionInfo;
import dev.heartbeat.store.Store;
import dev.heartbeat.store.StoreException;
import dev.heartbeat.support.Redactor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code heartbeat-agent} command line: the daemon, one beat, and the inspection commands. */
@Command(
        name = "heartbeat-agent",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "An autonomous agent woken by a heartbeat. Each beat it reads its checklist (HEARTBEAT.md in its "
                    + "workspace) and remembered state, and either stays quiet (HEARTBEAT_OK) or acts through "
                    + "tools and tells its operator. Every beat leaves a hash-chained decision record.",
            "",
            "Without a command, runs the daemon (same as 'run')."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  heartbeat-agent --once                  one beat now, print the decision",
            "  heartbeat-agent --once --dry-run        one beat; side-effecting tools are recorded, not run",
            "  heartbeat-agent config check            validate agent.yaml, show the effective config",
            "  heartbeat-agent status                  is the daemon up, last and next beat, today's spend",
            "  heartbeat-agent decisions list --since 1d",
            "  heartbeat-agent sessions show ops-watch --tail 20",
            "",
            "Exit codes: 0 ok, 1 failed beat or not found, 2 usage or configuration error."
        })
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "PATH",
            scope = ScopeType.INHERIT,
            description = "agent configuration file (default: ${DEFAULT-VALUE})",
            defaultValue = "agent.yaml")
    Path configFile;

    @Option(
            names = "--agent",
            paramLabel = "NAME",
            scope = ScopeType.INHERIT,
            description = "the agent a command is about, when the configuration has several (agents: or agents.d/); "
                    + "the only one otherwise")
    @Nullable
    String agentName;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "show debug logs and stack traces of unexpected errors")
    boolean verbose;

    @Option(
            names = "--once",
            description =
                    "run one heartbeat now in the foreground and print its decision " + "(same as the 'once' command)")
    boolean once;

    @Option(names = "--dry-run", description = "with --once: record side-effecting tool calls without running them")
    boolean dryRun;

    @Option(names = "--json", description = "with --once: print the decision record as JSON")
    boolean json;

    @Option(names = "--force", description = "with --once: run even outside active hours")
    boolean force;

    /** Environment for ${VAR} expansion; tests give their own. */
    Map<String, String> env = System.getenv();

    Clock clock = Clock.systemDefaultZone();

    public static void main(String[] args) {
        configureLogging(args);
        System.exit(
                execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv()));
    }

    /** Runs the command line with the given streams and environment; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        return execute(args, out, err, env, Clock.systemDefaultZone());
    }

    /** The same, on a clock of the caller's (tests move time without sleeping). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env, Clock clock) {
        Main main = new Main();
        main.env = env;
        main.clock = clock;
        CommandLine cli = commandLine(main, args);
        cli.setOut(new PrintWriter(new TerminalSafeWriter(out), true));
        cli.setErr(new PrintWriter(new TerminalSafeWriter(err), true));
        return cli.execute(args);
    }

    static CommandLine commandLine(Main main, String[] args) {
        CommandLine cli = Commands.addNamed(new CommandLine(main), args);
        cli.setExecutionExceptionHandler(Main::handle);
        cli.setParameterExceptionHandler(Main::handleParameters);
        cli.setUsageHelpLongOptionsMaxWidth(30);
        return cli;
    }

    /** Daemon runs log at INFO; everything else at WARN so stdout stays clean; --verbose shows DEBUG. */
    private static void configureLogging(String[] args) {
        List<String> list = List.of(args);
        boolean otherCommand = list.stream().anyMatch(a -> Commands.TOP.containsKey(a) && !a.equals("run"))
                || list.stream()
                        .anyMatch(a -> a.equals("--once")
                                || a.equals("--help")
                                || a.equals("-h")
                                || a.equals("--version")
                                || a.equals("-V"));
        String level = list.contains("-v") || list.contains("--verbose")
                ? "DEBUG"
                : list.contains("run") || !otherCommand ? "INFO" : "WARN";
        if (System.getProperty("hb.log.level") == null) {
            System.setProperty("hb.log.level", level);
        }
        // The daemon logs to stdout (journald reads it); every other command keeps stdout for its output.
        boolean daemon = list.contains("run") || !otherCommand;
        if (System.getProperty("hb.log.target") == null) {
            System.setProperty("hb.log.target", daemon ? "System.out" : "System.err");
        }
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", LogProvider.class.getName());
            // SLF4J says at INFO that it loads a named provider, on stderr, at every start; its warnings still show
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    @Override
    public Integer call() {
        if (once) {
            return OnceCommand.beatOnce(this, dryRun, json, force);
        }
        if (dryRun || json || force) {
            throw UserError.usage("--dry-run, --json and --force go with --once (heartbeat-agent --once --dry-run)");
        }
        return new RunCommand().runDaemon(this);
    }

    // ------------------------------------------------------------------ shared by the commands

    /** The configuration of the agent a command that calls the model is about: its API key must be there. */
    AgentConfig config() {
        return agent(fleet());
    }

    /** The configuration of the agent a command that only reads the store is about: no API key needed. */
    AgentConfig inspectionConfig() {
        return agent(inspectionFleet());
    }

    /**
     * The configuration for a command about the whole store (a decision by id, the chain, a session by name): the
     * agent {@code --agent} names, else the first; every agent of a file shares its store.
     */
    AgentConfig storeConfig() {
        Fleet fleet = inspectionFleet();
        return agentName == null ? fleet.shared() : agent(fleet);
    }

    /** Every agent of the configuration, API keys checked. */
    Fleet fleet() {
        return masked(new ConfigLoader(env).readFleet(configFile));
    }

    /** Every agent of the configuration, for commands that only read the store. */
    Fleet inspectionFleet() {
        return masked(new ConfigLoader(env, false).readFleet(configFile));
    }

    /** Every agent's secrets masked from here on: a command about one agent may print what another stored. */
    private static Fleet masked(Fleet fleet) {
        fleet.agents().forEach(AgentRuntime::registerSecrets);
        return fleet;
    }

    /** The agent {@code --agent} names, or the only one; with several and none named, an error listing them. */
    AgentConfig agent(Fleet fleet) {
        if (agentName != null) {
            return named(fleet, agentName);
        }
        if (fleet.agents().size() == 1) {
            return fleet.agents().get(0);
        }
        throw UserError.usage(configFile + " configures " + fleet.agents().size() + " agents ("
                + String.join(", ", fleet.names()) + "); name one with --agent NAME");
    }

    /** The agents a command that covers several is about: the one {@code --agent} names, or every one. */
    List<AgentConfig> agents(Fleet fleet) {
        return agentName == null ? fleet.agents() : List.of(named(fleet, agentName));
    }

    private AgentConfig named(Fleet fleet, String name) {
        return fleet.find(name)
                .orElseThrow(() -> UserError.usage("--agent " + name + ": " + configFile + " has no such agent; "
                        + "its agents: " + String.join(", ", fleet.names())));
    }

    /** The store opened read-only, for inspection beside a running daemon. */
    Store readStore(AgentConfig config) {
        return Store.openReadOnly(AgentRuntime.database(config), clock);
    }

    /** The store opened for writing (created and migrated if needed), for commands that change it. */
    Store writeStore(AgentConfig config) {
        return AgentRuntime.openStore(config, clock);
    }

    /** Now minus a duration given to {@code option} (such as --since 7d), or a usage error naming the option. */
    OffsetDateTime ago(String option, String duration) {
        try {
            return OffsetDateTime.now(clock).minus(Durations.parse(duration));
        } catch (IllegalArgumentException e) {
            throw UserError.usage(option + ": " + e.getMessage());
        }
    }

    /** The session, or a not-found error that says how to list them. */
    static SessionInfo session(Store store, String name) {
        return store.sessions()
                .session(name)
                .orElseThrow(() -> UserError.notFound("no session '" + name + "'; 'sessions list' shows the sessions"));
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    static Main root(CommandSpec spec) {
        return (Main) spec.root().userObject();
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
        PrintWriter err = cli.getErr();
        Main main = root(cli.getCommandSpec());
        if (e instanceof ConfigException) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        if (e instanceof UserError u) {
            err.println("error: " + u.getMessage());
            return u.exitCode();
        }
        if (e instanceof DaemonException d) {
            err.println("error: " + d.getMessage());
            return d.exitCode();
        }
        if (e instanceof StoreException) {
            err.println("error: " + e.getMessage());
            if (main.verbose) {
                e.printStackTrace(err);
            }
            return 1;
        }
        err.println("error: " + Redactor.redact(String.valueOf(e.getMessage()))
                + (main.verbose ? "" : " (run with --verbose for details)"));
        if (main.verbose) {
            e.printStackTrace(err);
        }
        return 1;
    }

    private static int handleParameters(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println("error: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cli.getCommandSpec().qualifiedName() + " --help' for the usage.");
        return 2;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "heartbeat-agent " + (v == null ? "(development build)" : v),
                "Java " + System.getProperty("java.version")
            };
        }
    }
}
