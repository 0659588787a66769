package dev.heartbeat.support;

import java.io.IOException;
import java.net.InetAddress;

/** This machine, as daemons, locks and pauses name where they run. */
public final class Host {
    private Host() {}

    /** The host name, or "localhost" when the machine cannot name itself. */
    public static String name() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
