package dev.heartbeat.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ttl set while the body is copied token by token, against what a databind tree made of the same body. */
class CacheTtlTest {
    private final CacheTtl cache = new CacheTtl((HttpClientBuilder) null, "1h");

    private String sent(String body) {
        return cache.withTtl(HttpRequest.builder()
                        .method(HttpMethod.POST)
                        .url("http://127.0.0.1:1/v1/messages")
                        .body(body)
                        .build())
                .body();
    }

    /** The body read into a tree, each ephemeral mark given the ttl, written: as CacheTtl did before it streamed. */
    private static String throughTheTree(String body) throws Exception {
        JsonNode tree = new ObjectMapper().readTree(body);
        mark(tree);
        return tree.toString();
    }

    private static void mark(JsonNode node) {
        if (node.isObject()) {
            JsonNode control = node.get("cache_control");
            if (control instanceof ObjectNode o && o.path("type").asText().equals("ephemeral")) {
                o.put("ttl", "1h");
            }
            node.elements().forEachRemaining(CacheTtlTest::mark);
        } else if (node.isArray()) {
            node.forEach(CacheTtlTest::mark);
        }
    }

    @Test
    void eachEphemeralMarkGetsTheTtlAndEverythingElseIsWrittenAsTheTreeWroteIt() throws Exception {
        List<String> bodies = List.of(
                // As a request is written: the stable prefix marked at the last tool and the last system block.
                "{\"model\":\"claude-test\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        + "\"text\":\"Check \\\"disk\\\" \\u00e9t\\u00e9 \\ud83d\\ude00\\n\"}]}],\"system\":[{\"type\":"
                        + "\"text\",\"text\":\"You are an agent.\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
                        + "\"max_tokens\":1024,\"temperature\":0.2,\"tools\":[{\"name\":\"a\",\"input_schema\":"
                        + "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":-3,"
                        + "\"maximum\":1.0E-5}},\"required\":[]}},{\"name\":\"b\",\"input_schema\":{\"type\":\"object\"},"
                        + "\"cache_control\":{\"type\":\"ephemeral\"}}],\"stream\":false,\"top_k\":null}",
                // Indented, as LangChain4j's own client writes it.
                "{\n  \"system\" : [ {\n    \"type\" : \"text\",\n    \"cache_control\" : {\n      \"type\" : "
                        + "\"ephemeral\"\n    }\n  } ]\n}",
                // A ttl already there is replaced, in its place; another type is left alone.
                "{\"system\":[{\"cache_control\":{\"ttl\":\"5m\",\"type\":\"ephemeral\"}},"
                        + "{\"cache_control\":{\"type\":\"persistent\"}}]}",
                // Marks at any depth, numbers as the tree writes them, a nested value inside a mark.
                "[{\"a\":{\"cache_control\":{\"type\":\"ephemeral\",\"x\":[1,2.50,{\"y\":true}]}}},12345678901234567890,"
                        + "1e400,-0.0,\"cache_control\"]",
                // Content after the first value: the tree read the first only.
                "{\"cache_control\":{\"type\":\"ephemeral\"}} {\"b\":1}");
        for (String body : bodies) {
            assertThat(sent(body)).as(body).isEqualTo(throughTheTree(body));
        }
    }

    @Test
    void aBodyThatIsNotJsonOrHasNoMarkGoesUnchanged() {
        for (String body :
                List.of("{\"cache_control\": {\"type\": \"ephemeral\"", "not json \"cache_control\"", "{\"a\": 1}")) {
            assertThat(sent(body)).isEqualTo(body);
        }
    }
}
