package io.repeaterdispatch.delivery;

import java.net.InetAddress;

/** An IPv4 or IPv6 address range in CIDR notation ({@code 10.0.0.0/8}, {@code fe80::/10}); no DNS involved. */
public final class Cidr {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** A bare address is a range of one. Throws IllegalArgumentException naming the bad entry. */
    public static Cidr parse(String text) {
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        InetAddress address = UrlPolicy.ipLiteral(slash < 0 ? trimmed : trimmed.substring(0, slash))
                .orElseThrow(() -> new IllegalArgumentException("not a CIDR range: '" + text + "'"));
        byte[] bytes = address.getAddress();
        int bits = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(trimmed.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR range: '" + text + "'");
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("CIDR prefix out of range 0-" + bits + ": '" + text + "'");
        }
        for (int bit = prefix; bit < bits; bit++) { // keep the network part only: 10.1.2.3/8 means 10.0.0.0/8
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new Cidr(bytes, prefix, trimmed);
    }

    /** An IPv4 address never matches an IPv6 range or the other way round (mapped addresses arrive as IPv4). */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (bytes[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
