package dev.heartbeat.support;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IP addresses and CIDR ranges as operators write them in the configuration. */
public final class Cidr {
    private Cidr() {}

    /** Whether the address is the entry (an IP) or in its range (a CIDR). */
    public static boolean matches(String entry, InetAddress a) {
        try {
            String[] parts = entry.split("/");
            InetAddress base = InetAddress.getByName(parts[0]);
            if (base.getAddress().length != a.getAddress().length) {
                return false;
            }
            int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : base.getAddress().length * 8;
            int total = base.getAddress().length * 8;
            BigInteger mask = BigInteger.ONE
                    .shiftLeft(total)
                    .subtract(BigInteger.ONE)
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
