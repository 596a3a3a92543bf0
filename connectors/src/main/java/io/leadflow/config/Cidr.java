package io.leadflow.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network such as {@code 92.118.66.0/23}, for source-address allow-lists. */
public record Cidr(byte[] network, int prefixLength) {

    public static Cidr parse(String text) {
        String[] parts = text.trim().split("/", 2);
        byte[] address = literal(parts[0], text);
        int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
        if (prefix < 0 || prefix > address.length * 8) {
            throw new IllegalArgumentException("Bad prefix length in '" + text + "'");
        }
        return new Cidr(address, prefix);
    }

    public boolean contains(String address) {
        byte[] candidate;
        try {
            candidate = literal(address, address);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (candidate.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        int mask = rest == 0 ? 0 : (0xFF << (8 - rest)) & 0xFF;
        return rest == 0 || (candidate[full] & mask) == (network[full] & mask);
    }

    private static byte[] literal(String address, String context) {
        // only numeric literals: a host name here would mean a DNS lookup per request
        if (!address.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("Not an IP address: '" + context + "'");
        }
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Not an IP address: '" + context + "'", e);
        }
    }
}
