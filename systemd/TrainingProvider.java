import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for an OpenAI-compatible provider, for systemd/install.sh only: it answers every chat completion
 * with HEARTBEAT_OK, so the beat that makes the class-data sharing archive is a quiet one, the common beat, and
 * the archive holds what reading a model's answer loads. Loopback only; writes its port to the file it is
 * given, then serves until it is stopped.
 *
 * <pre>java systemd/TrainingProvider.java PORT_FILE</pre>
 */
public final class TrainingProvider {
    private static final String ANSWER = "{\"id\":\"chatcmpl-training\",\"object\":\"chat.completion\","
            + "\"created\":0,\"model\":\"training\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"HEARTBEAT_OK\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

    public static void main(String[] args) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Path portFile = Path.of(args[0]);
        Path partial = portFile.resolveSibling(portFile.getFileName() + ".part");
        Files.writeString(partial, Integer.toString(server.getAddress().getPort()));
        // Moved into place whole: the installer reads the port as soon as the file is there.
        Files.move(partial, portFile);
    }
}
