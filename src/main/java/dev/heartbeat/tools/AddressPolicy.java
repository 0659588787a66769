package dev.heartbeat.tools;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

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

    /** The first address of {@code host} that is internal and not allowed, if any. */
    public java.util.Optional<InetAddress> forbidden(String host) throws UnknownHostException {
        return forbidden(Resolver.SYSTEM.lookup(host));
    }

    /** The first of these addresses that is internal and not allowed, if any. */
    public java.util.Optional<InetAddress> forbidden(InetAddress[] addresses) {
        for (InetAddress a : addresses) {
            if (internal(a) && allowed.stream().noneMatch(entry -> matches(entry, a))) {
                return java.util.Optional.of(a);
            }
        }
        return java.util.Optional.empty();
    }

    static boolean internal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 198 && (second == 18 || second == 19));
        }
        return (b[0] & 0xfe) == 0xfc; // fc00::/7 unique local
    }

    static boolean matches(String entry, InetAddress a) {
        try {
            String[] parts = entry.split("/");
            InetAddress base = InetAddress.getByName(parts[0]);
            if (base.getAddress().length != a.getAddress().length) {
                return false;
            }
            int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : base.getAddress().length * 8;
            int total = base.getAddress().length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(total).subtract(BigInteger.ONE)
                    .xor(BigInteger.ONE.shiftLeft(total - bits).subtract(BigInteger.ONE));
            return new BigInteger(1, base.getAddress()).and(mask).equals(new BigInteger(1, a.getAddress()).and(mask));
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }

    /** Whether the text is an IP literal or a CIDR range (no name lookups). */
    public static boolean isAddressOrCidr(String entry) {
        String[] parts = entry.split("/");
        if (parts.length > 2 || !parts[0].matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            int max = InetAddress.getByName(parts[0]).getAddress().length * 8;
            return parts.length == 1 || Integer.parseInt(parts[1]) >= 0 && Integer.parseInt(parts[1]) <= max;
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }
}
