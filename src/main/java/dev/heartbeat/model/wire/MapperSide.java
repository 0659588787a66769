package dev.heartbeat.model.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartbeat.support.Json;
import dev.heartbeat.support.TreeBinder;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The databind side of a lean client: a mapper set up as the one LangChain4j's client keeps (its class is not
 * public), made the first time it is needed — to read an answer the reader declined, and as the crosscheck's other
 * side ({@code -Dhb.bind.crosscheck=true}, as the tests run). The request and answer classes carry their own
 * annotations.
 *
 * <p>Each client subclasses it with its mapper's settings: a lambda making the mapper would load databind's mapper
 * class as the client starts (its bootstrap resolves the lambda's return type), where nothing else needs it.
 */
public abstract class MapperSide {
    private volatile @Nullable ObjectMapper mapper;

    /** A new mapper set up as LangChain4j's client sets up its own. */
    protected abstract ObjectMapper make();

    private ObjectMapper mapper() {
        ObjectMapper m = mapper;
        if (m == null) {
            synchronized (this) {
                m = mapper;
                if (m == null) {
                    m = make();
                    mapper = m;
                }
            }
        }
        return m;
    }

    /** The reader's answer; the mapper's where the reader declined; under the crosscheck both, compared. */
    public <T> T answer(Optional<T> read, String body, Class<T> type) {
        if (read.isPresent() && !TreeBinder.CROSSCHECK) {
            return read.get();
        }
        T mapped = read(body, type);
        if (read.isPresent() && !read.get().equals(mapped)) {
            throw new AssertionError("the answer reader and LangChain4j's mapper disagree:\n  reader: " + read.get()
                    + "\n  mapper: " + mapped);
        }
        return mapped;
    }

    /** Under the crosscheck: the request as the writer wrote it against the mapper's, as trees. */
    public void crosscheck(Object request, String written) {
        if (!TreeBinder.CROSSCHECK) {
            return;
        }
        String mapped = write(request);
        if (!Json.tree(written).equals(Json.tree(mapped))) {
            throw new AssertionError("the request writer and LangChain4j's mapper disagree:\n  writer: " + written
                    + "\n  mapper: " + mapped);
        }
    }

    public <T> T read(String body, Class<T> type) {
        try {
            return mapper().readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new RuntimeException(e); // what LangChain4j's clients throw for an answer they cannot read
        }
    }

    public String write(Object value) {
        try {
            return mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new RuntimeException(e);
        }
    }
}
