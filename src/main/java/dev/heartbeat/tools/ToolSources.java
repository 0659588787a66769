package dev.heartbeat.tools;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every source of the agent's tools, asked again at each beat; closing it stops what the sources started. */
public final class ToolSources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ToolSources.class);

    private final List<ToolSource> sources;

    public ToolSources(List<ToolSource> sources) {
        this.sources = List.copyOf(sources);
    }

    /** The tools the model may call in the beat that starts now, by name. */
    public ToolRegistry registry() {
        return ToolRegistry.of(sources);
    }

    /** What the model is told about tools it cannot have this beat. */
    public List<String> unavailable() {
        List<String> out = new ArrayList<>();
        sources.forEach(s -> out.addAll(s.unavailable()));
        return out;
    }

    /** Closes every source, each whatever the others do: one that fails to stop must not keep another alive. */
    @Override
    public void close() {
        for (ToolSource source : sources) {
            try {
                source.close();
            } catch (RuntimeException e) {
                LOG.warn("could not stop the tool source {}: {}", source.name(), e.toString());
            }
        }
    }
}
