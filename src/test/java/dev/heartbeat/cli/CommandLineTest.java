package dev.heartbeat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Only the command the arguments name is built; help, a mistyped name and nested help still see every one. */
class CommandLineTest {

    @Test
    void theCommandTheFirstWordNamesIsTheOnlyOneBuilt() {
        assertThat(Main.commandsNamedIn(new String[] {"--config", "status", "decisions", "list"}))
                .containsExactly(DecisionsCommand.class);
        assertThat(Main.commandsNamedIn(new String[] {"--agent", "a", "sessions", "show", "status"}))
                .containsExactly(SessionsCommand.class);
        assertThat(Main.commandsNamedIn(new String[] {"pause", "--all"})).containsExactly(PauseCommand.Pause.class);
        assertThat(Main.commandsNamedIn(new String[] {"sessions", "--help"})).containsExactly(SessionsCommand.class);
    }

    @Test
    void mainsOwnOptionsNeedNoCommand() {
        assertThat(Main.commandsNamedIn(new String[] {"--once", "--dry-run", "-c", "agent.yaml"}))
                .isEmpty();
        assertThat(Main.commandsNamedIn(new String[] {"--version"})).isEmpty();
        assertThat(Main.commandsNamedIn(new String[0])).isEmpty();
    }

    @Test
    void helpAndAnUnknownWordSeeEveryCommand() {
        for (String[] args : new String[][] {{"--help"}, {"-h"}, {"help", "status"}, {"statsu"}}) {
            assertThat(Main.commandsNamedIn(args))
                    .as(String.join(" ", args))
                    .containsExactlyElementsOf(Main.COMMANDS.values());
        }
    }

    @Test
    void helpListsEveryCommandAndAMistypedOneGetsItsSuggestion() {
        String help = run("--help");
        Main.COMMANDS.forEach((name, command) -> {
            assertThat(command.getAnnotation(CommandLine.Command.class).name()).isEqualTo(name);
            assertThat(help).contains("  " + name + " ");
        });
        assertThat(run("statsu")).contains("Did you mean: heartbeat-agent status");
        assertThat(run("help", "decisions")).contains("Usage: heartbeat-agent decisions");
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        Main.execute(args, new PrintWriter(out, true), new PrintWriter(out, true), Map.of());
        return out.toString();
    }
}
