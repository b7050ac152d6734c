package io.lwtemu.node.net;

import io.lwtemu.ebpf.prog.SkBuff;

/**
 * The {@link SkBuff} a router receives link packets into, reused from packet to packet so receiving allocates
 * nothing. A packet normally ends inside the call that received it (delivered, dropped, or its bytes handed to a
 * link as a protobuf {@code Packet}); when the skb object itself is kept beyond the call (queued with
 * {@code receiveLater}, handed to a device driver) it is {@linkplain #escaped() given away} and the next packet
 * gets a fresh one.
 */
final class RxSkb {
    private SkBuff skb;

    /** An skb over {@code head[data, data+len)} with every other field as a new SkBuff has it. */
    SkBuff take(byte[] head, int data, int len) {
        SkBuff s = skb;
        if (s == null) {
            s = new SkBuff(head, data, len);
            skb = s;
            return s;
        }
        reset(s, head, data, len);
        return s;
    }

    /** {@code s} outlives the current call: stop reusing it if it is ours. */
    void escaped(SkBuff s) {
        if (s == skb) {
            skb = null;
        }
    }

    /** Every field back to the constructor's state (SkBuffResetTest checks this against a new SkBuff). */
    static void reset(SkBuff s, byte[] head, int data, int len) {
        s.head = head;
        s.data = data;
        s.len = len;
        s.mark = 0;
        s.priority = 0;
        int[] cb = s.cb;
        for (int i = 0; i < cb.length; i++) {
            cb[i] = 0;
        }
        s.protocol = 0;
        s.hash = 0;
        s.hashValid = false;
        s.ifindex = 0;
        s.ingressIfindex = 0;
        s.pktType = 0;
        s.queueMapping = 0;
        s.tcIndex = 0;
        s.napiId = 0;
        s.vlanPresent = 0;
        s.vlanTci = 0;
        s.vlanProto = 0;
        s.gsoSegs = 0;
        s.gsoSize = 0;
        s.encapsulation = false;
        s.innerProtocol = 0;
        s.routeRealm = 0;
        s.cgroupClassid = 0;
        s.macLen = 0;
    }
}
