package dev.heartbeat.tools;

import dev.heartbeat.support.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses http_get may reach: not private, loopback, link-local (cloud metadata services live
 * there), unique-local, shared (CGNAT) or unspecified ones, unless an operator listed the address or its
 * range. Checked on the resolved addresses, for the first request and every redirect.
 */
public final class AddressPolicy {
    /** Looks a host name up; the system's resolver in production, a scripted one in tests. */
    @FunctionalInterface
    public interface Resolver {
        Resolver SYSTEM = InetAddress::getAllByName;

        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    private final List<String> allowed;

    public AddressPolicy(List<String> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** The first of these addresses that is internal and not allowed, if any. */
    public Optional<InetAddress> forbidden(InetAddress[] addresses) {
        for (InetAddress a : addresses) {
            if (internal(a) && allowed.stream().noneMatch(entry -> Cidr.matches(entry, a))) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress()
                || a.isSiteLocalAddress()
                || a.isLinkLocalAddress()
                || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0
                    || (first == 100 && second >= 64 && second < 128)
                    || (first == 198 && (second == 18 || second == 19));
        }
        return (b[0] & 0xfe) == 0xfc; // fc00::/7 unique local
    }
}
