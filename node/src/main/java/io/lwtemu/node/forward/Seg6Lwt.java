package io.lwtemu.node.forward;

import io.lwtemu.node.fib.IpAddress;
import java.util.List;

/**
 * LWT state of {@code encap seg6 mode encap|inline segs A,B,...} (net/ipv6/seg6_iptunnel.c): push an outer IPv6
 * header + SRH (encap) or insert an SRH (inline, IPv6 only). Segments are in travel order: A is visited first.
 */
public record Seg6Lwt(boolean inline, List<IpAddress> segments) {

    public Seg6Lwt {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("seg6 needs at least one segment");
        }
        segments = List.copyOf(segments);
    }

    /** Bytes the encap adds (outer header unless inline, plus the SRH). */
    public int headroom() {
        int srh = 8 + 16 * (segments.size() + (inline ? 1 : 0));
        return (inline ? 0 : 40) + srh;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("seg6 mode ").append(inline ? "inline" : "encap").append(" segs ")
                .append(segments.size()).append(" [ ");
        for (IpAddress a : segments) {
            sb.append(a).append(' ');
        }
        return sb.append(']').toString();
    }
}
