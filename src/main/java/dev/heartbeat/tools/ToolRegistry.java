package dev.heartbeat.tools;

import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tools the model may call in a beat, by name. */
public final class ToolRegistry {
    private final Map<String, Tool> tools = new LinkedHashMap<>();

    /** The tools of every source, in order; two tools of one name are a configuration error. */
    public static ToolRegistry of(List<ToolSource> sources) {
        List<Tool> all = new ArrayList<>();
        sources.forEach(source -> all.addAll(source.tools()));
        return new ToolRegistry(all);
    }

    public ToolRegistry(Collection<Tool> tools) {
        for (Tool tool : tools) {
            if (this.tools.put(tool.name(), tool) != null) {
                throw new IllegalArgumentException("two tools are named " + tool.name());
            }
        }
    }

    public Optional<Tool> find(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    public List<String> names() {
        return List.copyOf(tools.keySet());
    }

    public List<ToolSpecification> specifications() {
        List<ToolSpecification> out = new ArrayList<>();
        tools.values().forEach(t -> out.add(t.specification()));
        return out;
    }
}
