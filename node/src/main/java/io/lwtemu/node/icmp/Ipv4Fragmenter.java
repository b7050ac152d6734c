package io.lwtemu.node.icmp;

import io.lwtemu.node.packet.Ipv4Header;
import java.util.ArrayList;
import java.util.List;

/**
 * IPv4 fragmentation as {@code ip_do_fragment()}'s slow path does it: every fragment but the last carries a
 * multiple of 8 payload bytes filling the MTU; the first keeps all options, later ones keep the header length
 * with options whose "copied" bit (0x80) is clear overwritten by NOOP ({@code ip_options_fragment()}); MF is
 * set on all but the last (and on the last too when the input was itself a non-final fragment); the offset
 * continues the input's offset. A packet with DF set is not fragmented: the caller answers with ICMP
 * fragmentation-needed.
 */
public final class Ipv4Fragmenter {
    private static final int IPOPT_END = 0;
    private static final int IPOPT_NOOP = 1;
    private static final int IPOPT_COPY = 0x80;

    /** Result of {@link #fragment}: the fragments, or why there are none. */
    public enum Status { FITS, FRAGMENTED, DF_SET, MTU_TOO_SMALL, MALFORMED }

    private final Ipv4Header ip = new Ipv4Header();
    private Status status;

    public Status status() {
        return status;
    }

    /**
     * Splits {@code pkt[off, off+len)} for a link of {@code mtu} bytes. Returns the fragments (a single copy when the
     * packet already fits), or an empty list with {@link #status()} DF_SET / MTU_TOO_SMALL / MALFORMED.
     */
    public List<byte[]> fragment(byte[] pkt, int off, int len, int mtu) {
        ip.wrap(pkt, off);
        int hlen = ip.headerLength();
        int total = ip.totalLength();
        if (hlen < Ipv4Header.MIN_LENGTH || total < hlen || total > len) {
            status = Status.MALFORMED;
            return List.of();
        }
        if (total <= mtu) {
            status = Status.FITS;
            byte[] copy = new byte[total];
            System.arraycopy(pkt, off, copy, 0, total);
            return List.of(copy);
        }
        if (ip.dontFragment()) {
            status = Status.DF_SET;
            return List.of();
        }
        int chunk = (mtu - hlen) & ~7;
        if (chunk <= 0) {
            status = Status.MTU_TOO_SMALL;
            return List.of();
        }
        int inFragOff = ip.fragOff();
        int baseOffset = (inFragOff & Ipv4Header.OFFSET_MASK) * 8;
        boolean inputMf = (inFragOff & Ipv4Header.FLAG_MF) != 0;
        int keepFlags = inFragOff & Ipv4Header.FLAG_RESERVED;

        byte[] laterHeader = new byte[hlen];
        System.arraycopy(pkt, off, laterHeader, 0, hlen);
        optionsFragment(laterHeader, hlen);

        List<byte[]> out = new ArrayList<>();
        int payload = total - hlen;
        for (int done = 0; done < payload; done += chunk) {
            int n = Math.min(chunk, payload - done);
            boolean last = done + n == payload;
            byte[] f = new byte[hlen + n];
            if (done == 0) {
                System.arraycopy(pkt, off, f, 0, hlen);
            } else {
                System.arraycopy(laterHeader, 0, f, 0, hlen);
            }
            System.arraycopy(pkt, off + hlen + done, f, hlen, n);
            int fo = keepFlags | ((baseOffset + done) >>> 3) | (!last || inputMf ? Ipv4Header.FLAG_MF : 0);
            new Ipv4Header().wrap(f, 0).totalLength(hlen + n).fragOff(fo).updateChecksum();
            out.add(f);
        }
        status = Status.FRAGMENTED;
        return out;
    }

    /** ip_options_fragment(): NOOP out every option not marked "copied", keeping lengths. */
    static void optionsFragment(byte[] h, int hlen) {
        int i = Ipv4Header.MIN_LENGTH;
        while (i < hlen) {
            int type = h[i] & 0xff;
            if (type == IPOPT_END) {
                return;
            }
            if (type == IPOPT_NOOP) {
                i++;
                continue;
            }
            if (i + 1 >= hlen) {
                return;
            }
            int optlen = h[i + 1] & 0xff;
            if (optlen < 2 || i + optlen > hlen) {
                return;
            }
            if ((type & IPOPT_COPY) == 0) {
                for (int j = 0; j < optlen; j++) {
                    h[i + j] = IPOPT_NOOP;
                }
            }
            i += optlen;
        }
    }
}
