package dev.heartbeat.daemon;

import java.io.IOException;
import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sd_notify(3): tells systemd the service is ready, what it is doing, and that it is alive, over the
 * datagram socket named by {@code NOTIFY_SOCKET}. Does nothing when that variable is unset (not under
 * systemd, or not Type=notify). The JDK has no Unix datagram sockets, hence junixsocket.
 */
public final class SystemdNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);

    private final @Nullable AFUNIXDatagramSocket socket;
    private final long watchdogMicros;

    private SystemdNotifier(@Nullable AFUNIXDatagramSocket socket, long watchdogMicros) {
        this.socket = socket;
        this.watchdogMicros = watchdogMicros;
    }

    public static SystemdNotifier fromEnvironment(Map<String, String> env) {
        String path = env.get("NOTIFY_SOCKET");
        long watchdog = watchdogMicros(env);
        if (path == null || path.isBlank()) {
            return new SystemdNotifier(null, watchdog);
        }
        try {
            AFUNIXSocketAddress address = path.startsWith("@")
                    ? AFUNIXSocketAddress.inAbstractNamespace(path.substring(1))
                    : AFUNIXSocketAddress.of(Path.of(path));
            AFUNIXDatagramSocket socket = AFUNIXDatagramSocket.newInstance();
            socket.connect(address);
            return new SystemdNotifier(socket, watchdog);
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "cannot reach systemd's notify socket {}: {}; readiness and watchdog are not reported",
                    path,
                    e.getMessage());
            return new SystemdNotifier(null, watchdog);
        }
    }

    /** WATCHDOG_USEC when it is meant for this process (WATCHDOG_PID unset or ours); 0 otherwise. */
    private static long watchdogMicros(Map<String, String> env) {
        String usec = env.get("WATCHDOG_USEC");
        String pid = env.get("WATCHDOG_PID");
        if (usec == null
                || (pid != null
                        && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
            return 0;
        }
        try {
            return Long.parseLong(usec.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public boolean enabled() {
        return socket != null;
    }

    public Optional<Long> watchdogMicros() {
        return socket != null && watchdogMicros > 0 ? Optional.of(watchdogMicros) : Optional.empty();
    }

    public void ready(String status) {
        send("READY=1\nSTATUS=" + status + "\nMAINPID="
                + ProcessHandle.current().pid());
    }

    public void status(String status) {
        send("STATUS=" + status);
    }

    public void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + status);
    }

    public void watchdog() {
        send("WATCHDOG=1");
    }

    private synchronized void send(String message) {
        if (socket == null) {
            return;
        }
        byte[] bytes = message.replace("\r", " ").getBytes(StandardCharsets.UTF_8);
        try {
            socket.send(new DatagramPacket(bytes, bytes.length));
        } catch (IOException e) {
            LOG.debug("sd_notify failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
    }
}
