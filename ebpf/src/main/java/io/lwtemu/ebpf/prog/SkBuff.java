package io.lwtemu.ebpf.prog;

/**
 * The packet as LWT programs see it: the kernel's {@code struct sk_buff} reduced to what
 * {@code struct __sk_buff}, the LWT helpers and the router need. The packet is {@code head[data, data+len)}
 * and starts at the L3 header (LWT hooks see no L2 header); bytes before {@code data} are headroom.
 *
 * <pre>
 *  head:  | headroom ........ | L3 packet (len bytes) ........ | tailroom |
 *         0                 data                          data+len    head.length
 * </pre>
 *
 * Mutable and reusable so the forwarding path can run a packet through several hooks without copying.
 */
public final class SkBuff {
    public static final int ETH_P_IP = 0x0800;
    public static final int ETH_P_IPV6 = 0x86DD;

    public byte[] head;
    public int data;
    public int len;

    public int mark;
    public int priority;
    public final int[] cb = new int[5];
    /** Host byte order EtherType (ETH_P_IP / ETH_P_IPV6); __sk_buff shows it in network order. */
    public int protocol;
    public int hash;
    /** True when {@link #hash} is valid (the kernel's l4_hash/sw_hash). */
    public boolean hashValid;
    public int ifindex;
    public int ingressIfindex;
    public int pktType;
    public int queueMapping;
    public int tcIndex;
    public int napiId;
    public int vlanPresent;
    public int vlanTci;
    public int vlanProto;
    public int gsoSegs;
    public int gsoSize;
    /** Set when an encapsulation header was pushed (bpf_lwt_push_encap), as skb->encapsulation. */
    public boolean encapsulation;
    public int innerProtocol;
    /** Route realm (tclassid) of the route the packet took, for bpf_get_route_realm. */
    public int routeRealm;
    public int cgroupClassid;
    /**
     * skb_network_offset: bytes between {@link #data} and the network header, i.e. a link-layer header a program
     * pushed with bpf_skb_change_head; 0 while the packet starts at its IP header (and after bpf_lwt_push_encap,
     * which resets the network header to the pushed one).
     */
    public int macLen;

    public SkBuff(byte[] head, int data, int len) {
        this.head = head;
        this.data = data;
        this.len = len;
    }

    /** A fresh skb holding a copy of {@code packet} with {@code headroom} free bytes before it. */
    public static SkBuff of(byte[] packet, int headroom) {
        byte[] head = new byte[headroom + packet.length];
        System.arraycopy(packet, 0, head, headroom, packet.length);
        SkBuff skb = new SkBuff(head, headroom, packet.length);
        skb.protocol = protocolOf(packet);
        return skb;
    }

    /** EtherType from the IP version nibble, 0 when neither 4 nor 6. */
    public static int protocolOf(byte[] packet) {
        if (packet.length == 0) {
            return 0;
        }
        int version = (packet[0] & 0xff) >>> 4;
        return version == 4 ? ETH_P_IP : version == 6 ? ETH_P_IPV6 : 0;
    }

    public int headroom() {
        return data;
    }

    public int tailroom() {
        return head.length - data - len;
    }

    /** Copy of the packet bytes. */
    public byte[] toByteArray() {
        byte[] out = new byte[len];
        System.arraycopy(head, data, out, 0, len);
        return out;
    }

    /** Makes sure at least {@code needed} bytes of headroom exist, reallocating (and moving data) if not. */
    public void ensureHeadroom(int needed) {
        if (data >= needed) {
            return;
        }
        byte[] grown = new byte[needed + len + tailroom()];
        System.arraycopy(head, data, grown, needed, len);
        head = grown;
        data = needed;
    }

    /** Makes sure at least {@code needed} bytes of tailroom exist. */
    public void ensureTailroom(int needed) {
        if (tailroom() >= needed) {
            return;
        }
        head = java.util.Arrays.copyOf(head, data + len + needed);
    }
}
