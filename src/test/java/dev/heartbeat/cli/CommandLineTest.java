package dev.heartbeat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Only the command the arguments name is built; help, a mistyped name and nested help still see every one. */
class CommandLineTest {

    @Test
    void theCommandTheFirstWordNamesIsTheOnlyOneBuilt() {
        assertThat(Commands.namedIn(new String[] {"--config", "status", "decisions", "list"}))
                .containsExactly(DecisionsCommand.class);
        assertThat(Commands.namedIn(new String[] {"--agent", "a", "sessions", "show", "status"}))
                .containsExactly(SessionsCommand.class);
        assertThat(Commands.namedIn(new String[] {"pause", "--all"})).containsExactly(PauseCommand.Pause.class);
        assertThat(Commands.namedIn(new String[] {"sessions", "--help"})).containsExactly(SessionsCommand.class);
    }

    @Test
    void ofAGroupOnlyTheSubcommandTheNextWordNamesIsBuilt() {
        assertThat(built("decisions", "list")).containsExactly("list");
        assertThat(built("--config", "agent.yaml", "sessions", "--agent", "a", "show", "x", "--tail", "3"))
                .containsExactly("show");
        assertThat(built("sessions", "-c", "list", "export", "list")).containsExactly("export");
    }

    @Test
    void aGroupsHelpAndAnUnknownSubcommandSeeAllOfItsSubcommands() {
        List<String> all = List.of("list", "show", "import", "export", "check", "repair", "prune");
        assertThat(built("sessions")).containsExactlyElementsOf(all);
        assertThat(built("sessions", "--help")).containsExactlyElementsOf(all);
        assertThat(built("sessions", "-h", "list")).containsExactlyElementsOf(all);
        assertThat(built("sessions", "lsit")).containsExactlyElementsOf(all);
        assertThat(run("sessions", "--help"))
                .contains("  list ")
                .contains("  prune ")
                .contains("  export ");
        assertThat(run("decisions", "verfy")).contains("Did you mean: decisions verify?");
        assertThat(run("help", "decisions")).contains("  verify ").contains("  stats ");
        assertThat(run("decisions", "list", "--help")).contains("Usage: heartbeat-agent decisions list");
    }

    @Test
    void mainsOwnOptionsNeedNoCommand() {
        assertThat(Commands.namedIn(new String[] {"--once", "--dry-run", "-c", "agent.yaml"}))
                .isEmpty();
        assertThat(Commands.namedIn(new String[] {"--version"})).isEmpty();
        assertThat(Commands.namedIn(new String[0])).isEmpty();
    }

    @Test
    void helpAndAnUnknownWordSeeEveryCommand() {
        for (String[] args : new String[][] {{"--help"}, {"-h"}, {"help", "status"}, {"statsu"}}) {
            assertThat(Commands.namedIn(args))
                    .as(String.join(" ", args))
                    .containsExactlyElementsOf(Commands.TOP.values());
        }
    }

    @Test
    void helpListsEveryCommandAndAMistypedOneGetsItsSuggestion() {
        String help = run("--help");
        Commands.TOP.forEach((name, command) -> {
            assertThat(command.getAnnotation(CommandLine.Command.class).name()).isEqualTo(name);
            assertThat(help).contains("  " + name + " ");
        });
        Commands.TOP.values().forEach(command -> {
            Commands.subcommands(command)
                    .forEach((name, subcommand) -> assertThat(subcommand
                                    .getAnnotation(CommandLine.Command.class)
                                    .name())
                            .as(command.getSimpleName())
                            .isEqualTo(name));
            assertThat(command.getAnnotation(CommandLine.Command.class).subcommands())
                    .as("%s's subcommands are named in Commands, not in its annotation", command.getSimpleName())
                    .isEmpty();
        });
        assertThat(run("statsu")).contains("Did you mean: heartbeat-agent status");
        assertThat(run("help", "decisions")).contains("Usage: heartbeat-agent decisions");
    }

    /** The subcommands built of the group the arguments name (the first word that names a command). */
    private static List<String> built(String... args) {
        String group =
                Stream.of(args).filter(Commands.TOP::containsKey).findFirst().orElseThrow();
        CommandLine cli = Main.commandLine(new Main(), args);
        return List.copyOf(cli.getSubcommands().get(group).getSubcommands().keySet());
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        Main.execute(args, new PrintWriter(out, true), new PrintWriter(out, true), Map.of());
        return out.toString();
    }
}
