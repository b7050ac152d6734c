package io.lwtemu.node.icmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.packet.Ipv4Header;
import io.lwtemu.node.packet.PacketBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FragmentationTest {
    private final Ipv4Fragmenter fragmenter = new Ipv4Fragmenter();

    private static byte[] udp(int payload) {
        byte[] data = new byte[payload];
        new Random(payload).nextBytes(data);
        return PacketBuilder.ipv4("10.0.1.1", "10.0.2.1").id(0x1234).udp(4000, 5000, data);
    }

    @Test
    void shouldSplitAtEightByteBoundariesAndSetMoreFragments() {
        byte[] p = udp(3000 - 28);
        List<byte[]> frags = fragmenter.fragment(p, 0, p.length, 1500);
        assertThat(fragmenter.status()).isEqualTo(Ipv4Fragmenter.Status.FRAGMENTED);
        assertThat(frags).extracting(f -> f.length).containsExactly(1500, 1500, 40);
        Ipv4Header h = new Ipv4Header();
        assertThat(h.wrap(frags.get(0), 0).fragOff()).isEqualTo(Ipv4Header.FLAG_MF);
        assertThat(h.wrap(frags.get(1), 0).fragOff()).isEqualTo(Ipv4Header.FLAG_MF | 185);
        assertThat(h.wrap(frags.get(2), 0).fragOff()).isEqualTo(370);
        for (byte[] f : frags) {
            assertThat(h.wrap(f, 0).verifyChecksum()).isTrue();
            assertThat(h.id()).isEqualTo(0x1234);
            assertThat(h.totalLength()).isEqualTo(f.length);
        }
    }

    @Test
    void shouldRefuseToFragmentWithDontFragment() {
        byte[] p = PacketBuilder.ipv4("10.0.1.1", "10.0.2.1").dontFragment().udp(1, 2, new byte[2000]);
        assertThat(fragmenter.fragment(p, 0, p.length, 1500)).isEmpty();
        assertThat(fragmenter.status()).isEqualTo(Ipv4Fragmenter.Status.DF_SET);
        assertThat(fragmenter.fragment(p, 0, p.length, 2100)).hasSize(1);
        assertThat(fragmenter.status()).isEqualTo(Ipv4Fragmenter.Status.FITS);
    }

    @Test
    void shouldCopyOnlyOptionsMarkedCopiedIntoLaterFragments() {
        byte[] base = udp(100);
        // header with 8 option bytes: a "copied" option 0x94 (router alert, len 4) and record route 0x07 (len 4)
        byte[] p = new byte[base.length + 8];
        System.arraycopy(base, 0, p, 0, 20);
        System.arraycopy(base, 20, p, 28, base.length - 20);
        byte[] opts = {(byte) 0x94, 4, 0, 0, 0x07, 4, 5, 0};
        System.arraycopy(opts, 0, p, 20, 8);
        new Ipv4Header().wrap(p, 0).versionAndHeaderLength(28).totalLength(p.length).updateChecksum();
        List<byte[]> frags = fragmenter.fragment(p, 0, p.length, 28 + 64);
        assertThat(frags.size()).isGreaterThan(1);
        assertThat(java.util.Arrays.copyOfRange(frags.get(0), 20, 28)).isEqualTo(opts);
        byte[] later = frags.get(1);
        assertThat(new Ipv4Header().wrap(later, 0).headerLength()).isEqualTo(28);
        assertThat(java.util.Arrays.copyOfRange(later, 20, 28)).containsExactly(0x94, 4, 0, 0, 1, 1, 1, 1);
    }

    @Test
    void shouldRoundTripThroughReassemblyInAnyOrder() {
        Random rnd = new Random(5);
        for (int round = 0; round < 50; round++) {
            byte[] p = udp(1 + rnd.nextInt(8000));
            int mtu = 68 + rnd.nextInt(1500);
            List<byte[]> frags = new ArrayList<>(fragmenter.fragment(p, 0, p.length, mtu));
            Collections.shuffle(frags, rnd);
            Reassembler r = Reassembler.linuxDefaults();
            byte[] out = null;
            for (int i = 0; i < frags.size(); i++) {
                byte[] f = frags.get(i);
                out = r.add(f, 0, f.length, 0);
                if (i < frags.size() - 1 && frags.size() > 1) {
                    assertThat(out).isNull();
                }
            }
            assertThat(out).as("round %d mtu %d", round, mtu).isEqualTo(p);
            assertThat(r.memory()).isZero();
            assertThat(r.pendingDatagrams()).isZero();
        }
    }

    @Test
    void shouldIgnoreDuplicatesAndDiscardOverlaps() {
        byte[] p = udp(3000);
        List<byte[]> frags = fragmenter.fragment(p, 0, p.length, 1000);
        Reassembler r = Reassembler.linuxDefaults();
        assertThat(r.add(frags.get(0), 0, frags.get(0).length, 0)).isNull();
        assertThat(r.add(frags.get(0), 0, frags.get(0).length, 0)).isNull();
        assertThat(r.status()).isEqualTo(Reassembler.Status.DUPLICATE);
        // a forged fragment overlapping the first one's tail kills the datagram
        byte[] forged = frags.get(1).clone();
        new Ipv4Header().wrap(forged, 0).fragOff(Ipv4Header.FLAG_MF | 100).updateChecksum();
        assertThat(r.add(forged, 0, forged.length, 0)).isNull();
        assertThat(r.status()).isEqualTo(Reassembler.Status.OVERLAP);
        assertThat(r.pendingDatagrams()).isZero();
        assertThat(r.memory()).isZero();
        assertThat(r.reasmFails).isEqualTo(1);
    }

    @Test
    void shouldExpireIncompleteDatagramsAndKeepTheFirstFragmentForTheIcmpError() {
        byte[] p = udp(3000);
        List<byte[]> frags = fragmenter.fragment(p, 0, p.length, 1000);
        Reassembler r = new Reassembler(30_000_000_000L, 1 << 20);
        r.add(frags.get(0), 0, frags.get(0).length, 1_000);
        assertThat(r.expire(29_000_000_000L)).isEmpty();
        List<Reassembler.Expired> expired = r.expire(30_000_001_000L);
        assertThat(expired).hasSize(1);
        assertThat(expired.get(0).firstFragment()).isEqualTo(frags.get(0));
        assertThat(expired.get(0).id()).isEqualTo(0x1234);
        assertThat(expired.get(0).v6()).isFalse();
        assertThat(r.reasmTimeouts).isEqualTo(1);
        assertThat(r.memory()).isZero();
        byte[] icmp = new IcmpSender().icmpSend(expired.get(0).firstFragment(), 0, frags.get(0).length,
                11, 1, 0, Ipv4Header.parse("10.0.2.1"));
        assertThat(icmp).isNotNull();
    }

    @Test
    void shouldDropFragmentsBeyondTheMemoryBound() {
        byte[] p = udp(3000);
        List<byte[]> frags = fragmenter.fragment(p, 0, p.length, 1000);
        Reassembler r = new Reassembler(30_000_000_000L, 1500);
        assertThat(r.add(frags.get(0), 0, frags.get(0).length, 0)).isNull();
        assertThat(r.status()).isEqualTo(Reassembler.Status.QUEUED);
        assertThat(r.add(frags.get(1), 0, frags.get(1).length, 0)).isNull();
        assertThat(r.status()).isEqualTo(Reassembler.Status.OVER_MEMORY);
        assertThat(r.memory()).isZero();
    }

    @Test
    void shouldPassNonFragmentsThrough() {
        byte[] p = udp(10);
        Reassembler r = Reassembler.linuxDefaults();
        assertThat(r.add(p, 0, p.length, 0)).isEqualTo(p);
        assertThat(r.status()).isEqualTo(Reassembler.Status.NOT_FRAGMENT);
    }
}
