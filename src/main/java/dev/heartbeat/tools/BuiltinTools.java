package dev.heartbeat.tools;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.notify.Notifier;
import dev.heartbeat.store.Store;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The tools that come with the agent: files, http_get, notify, state, run_command. */
public final class BuiltinTools implements ToolSource {
    private final List<Tool> tools;

    public BuiltinTools(AgentConfig config, Workspace workspace, Store store, Notifier notifier, Clock clock) {
        List<Tool> all =
                new ArrayList<>(FileTools.all(workspace, config.tools().files().maxBytes(), clock));
        all.add(new HttpGetTool(config.tools().httpGet()));
        all.add(new NotifyTool(notifier));
        all.addAll(StateTools.all(store, config.agent().name()));
        all.add(new RunCommandTool(config.tools().runCommand(), workspace, config.baseDir()));
        this.tools = List.copyOf(all);
    }

    @Override
    public String name() {
        return "built-in";
    }

    @Override
    public List<Tool> tools() {
        return tools;
    }
}
