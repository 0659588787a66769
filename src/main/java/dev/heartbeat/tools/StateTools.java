package dev.heartbeat.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Json;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.List;
import java.util.Map;

/** get_state and set_state: the agent's persistent key-value memory between beats. */
public final class StateTools {
    static final int MAX_KEY = 128;
    static final int MAX_VALUE = 16 * 1024;
    /** All of an agent's state together: a model cannot grow it until beats can no longer carry it. */
    static final int MAX_TOTAL = 256 * 1024;

    private StateTools() {}

    public static List<Tool> all(Store store, String agent) {
        return List.of(new GetState(store, agent), new SetState(store, agent));
    }

    static final class GetState implements Tool {
        private final Store store;
        private final String agent;

        GetState(Store store, String agent) {
            this.store = store;
            this.agent = agent;
        }

        @Override
        public String name() {
            return "get_state";
        }

        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder()
                    .name(name())
                    .description("Read a value you stored earlier with set_state; without a key, all of them.")
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("key", "the key; omit for all keys")
                            .build())
                    .build();
        }

        @Override
        public boolean sideEffecting() {
            return false;
        }

        @Override
        public String run(JsonNode arguments, ToolCallContext context) throws ToolFailure {
            String key = Tool.optionalText(arguments, "key");
            if (key == null) {
                Map<String, String> all = store.agentState().state(agent);
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                all.forEach((k, v) -> out.set(k, Json.tree(v)));
                return Json.write(out);
            }
            return store.agentState().state(agent, key).orElse("no value is stored under '" + key + "'");
        }
    }

    static final class SetState implements Tool {
        private final Store store;
        private final String agent;

        SetState(Store store, String agent) {
            this.store = store;
            this.agent = agent;
        }

        @Override
        public String name() {
            return "set_state";
        }

        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder()
                    .name(name())
                    .description("Remember a value under a key for later beats (replaces what the key held).")
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("key", "the key, such as last_backup_check")
                            .addStringProperty("value", "the value to remember")
                            .required("key", "value")
                            .build())
                    .build();
        }

        @Override
        public boolean sideEffecting() {
            return true;
        }

        @Override
        public String run(JsonNode arguments, ToolCallContext context) throws ToolFailure {
            String key = Tool.text(arguments, "key");
            if (key.isBlank() || key.length() > MAX_KEY) {
                throw ToolFailure.error("the key must be 1 to " + MAX_KEY + " characters");
            }
            JsonNode value = arguments.get("value");
            if (value == null || value.isNull()) {
                throw ToolFailure.error("missing required argument 'value'");
            }
            String json = Json.write(value);
            if (json.length() > MAX_VALUE) {
                throw ToolFailure.error("the value is " + json.length() + " characters; the limit is " + MAX_VALUE);
            }
            long others = store.agentState().state(agent).entrySet().stream()
                    .filter(e -> !e.getKey().equals(key))
                    .mapToLong(e -> e.getKey().length() + e.getValue().length())
                    .sum();
            if (others + key.length() + json.length() > MAX_TOTAL) {
                throw ToolFailure.error("the state would hold " + (others + key.length() + json.length())
                        + " characters; "
                        + "the limit is " + MAX_TOTAL + ". Remove or shorten keys you no longer need (set_state with "
                        + "a short value) first");
            }
            store.agentState().putState(agent, key, json);
            return "stored '" + key + "'";
        }
    }
}
