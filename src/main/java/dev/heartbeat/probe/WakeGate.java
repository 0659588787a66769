package dev.heartbeat.probe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.support.Json;
import dev.heartbeat.support.Texts;
import dev.heartbeat.tools.ToolFailure;
import java.io.IOException;
import java.util.List;

/**
 * {@code heartbeat.wake-gate}: an operator's pre-check script, run like a probe command. The last line of its
 * output {@code {"wakeAgent": false}} skips the beat; anything else (true, no such line, a failure, a timeout)
 * lets the model be called: a broken gate must not silence the agent.
 */
public final class WakeGate {
    /** Whether the model may be called, and what the gate said. */
    public record Verdict(boolean wake, String detail) {}

    private WakeGate() {}

    public static Verdict ask(ProbeRunner runner, List<String> argv, String beatId) {
        String command = String.join(" ", argv);
        String output;
        try {
            output = runner.runCommand(argv, beatId);
        } catch (ToolFailure e) {
            return new Verdict(true, command + " failed (" + Texts.message(e) + "); the model is called");
        }
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        String status = lines.isEmpty() ? "" : lines.get(0);
        if (!status.equals("exit 0")) {
            return new Verdict(true, command + " ended with " + status + "; the model is called");
        }
        String last = lines.size() < 2 ? "" : lines.get(lines.size() - 1).strip();
        try {
            JsonNode answer = Json.mapper().readTree(last);
            if (answer != null && answer.isObject() && answer.path("wakeAgent").isBoolean()) {
                boolean wake = answer.path("wakeAgent").asBoolean();
                return new Verdict(wake, command + " answered " + Texts.cut(last, 200));
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the model is called
        }
        return new Verdict(true, command + " did not answer {\"wakeAgent\": false}; the model is called");
    }
}
