package dev.heartbeat.tools;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.heartbeat.config.ToolsConfig;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What governs calls of one tool, whatever its source: whether a person must approve them (always, or once
 * the beat has read untrusted content), whether its output is read as untrusted data, and whether reading it
 * taints the beat. The executor applies these rules; {@code tools list} shows them.
 */
public record ToolPolicy(Approval approval, boolean untrustedOutput, boolean taintsBeat) {
    /** Built-ins whose output comes from outside the operator's control (read_file: but for the checklist). */
    static final Set<String> UNTRUSTED_BUILTINS = Set.of("http_get", "run_command", "read_file");

    /** When a call of the tool waits for a person. */
    public enum Approval {
        ALWAYS,
        AFTER_UNTRUSTED,
        NEVER;

        /** The name {@code tools list --json} prints: {@code always}, {@code after-untrusted}, {@code never}. */
        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static ToolPolicy of(Tool tool, ToolsConfig.Approvals approvals) {
        Approval approval = listed(approvals.required(), tool.name())
                ? Approval.ALWAYS
                : approvals.afterUntrusted() && listed(approvals.consequential(), tool.name())
                        ? Approval.AFTER_UNTRUSTED
                        : Approval.NEVER;
        boolean builtinUntrusted = UNTRUSTED_BUILTINS.contains(tool.name());
        return new ToolPolicy(
                approval, builtinUntrusted || tool.untrustedOutput(), builtinUntrusted || tool.opensWorld());
    }

    /** Whether an approvals list names the tool: by its name, or an MCP server's tools by {@code SERVER__*}. */
    public static boolean listed(List<String> names, String tool) {
        for (String name : names) {
            if (name.equals(tool) || (name.endsWith("__*") && tool.startsWith(name.substring(0, name.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
