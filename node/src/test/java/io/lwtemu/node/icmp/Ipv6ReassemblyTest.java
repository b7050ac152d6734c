package io.lwtemu.node.icmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwtemu.node.packet.Bytes;
import io.lwtemu.node.packet.IpProtocol;
import io.lwtemu.node.packet.Ipv6Header;
import io.lwtemu.node.packet.PacketBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

public class Ipv6ReassemblyTest {

    /** Splits an IPv6 packet without extension headers into fragments carrying {@code chunk} payload bytes each. */
    public static List<byte[]> fragmentV6(byte[] p, int chunk, long id) {
        int payload = p.length - 40;
        int nexthdr = p[6] & 0xff;
        List<byte[]> out = new ArrayList<>();
        for (int start = 0; start < payload; start += chunk) {
            int n = Math.min(chunk, payload - start);
            boolean more = start + n < payload;
            byte[] f = new byte[40 + 8 + n];
            System.arraycopy(p, 0, f, 0, 40);
            new Ipv6Header().wrap(f, 0).nextHeader(IpProtocol.FRAGMENT).payloadLength(8 + n);
            f[40] = (byte) nexthdr;
            Bytes.put16(f, 42, start | (more ? 1 : 0));
            Bytes.put32(f, 44, (int) id);
            System.arraycopy(p, 40 + start, f, 48, n);
            out.add(f);
        }
        return out;
    }

    @Test
    void shouldReassembleIpv6FragmentsInAnyOrder() {
        Random rnd = new Random(3);
        for (int round = 0; round < 30; round++) {
            byte[] data = new byte[1 + rnd.nextInt(6000)];
            rnd.nextBytes(data);
            byte[] p = PacketBuilder.ipv6("2001:db8:1::1", "2001:db8:2::1").udp(7, 8, data);
            List<byte[]> frags = new ArrayList<>(fragmentV6(p, 8 * (1 + rnd.nextInt(180)), round));
            Collections.shuffle(frags, rnd);
            Reassembler r = Reassembler.linuxDefaults();
            byte[] out = null;
            for (byte[] f : frags) {
                out = r.add(f, 0, f.length, 0);
            }
            if (frags.size() == 1) {
                continue; // a single fragment with offset 0 and M=0 is an atomic fragment
            }
            assertThat(out).as("round %d", round).isEqualTo(p);
            assertThat(r.memory()).isZero();
        }
    }

    @Test
    void shouldTreatAtomicFragmentsAsPlainPackets() {
        byte[] p = PacketBuilder.ipv6("2001:db8:1::1", "2001:db8:2::1").udp(7, 8, new byte[16]);
        byte[] atomic = fragmentV6(p, 1024, 1).get(0);
        Reassembler r = Reassembler.linuxDefaults();
        assertThat(r.add(atomic, 0, atomic.length, 0)).isEqualTo(atomic);
        assertThat(r.status()).isEqualTo(Reassembler.Status.NOT_FRAGMENT);
    }

    @Test
    void shouldDiscardOverlappingIpv6FragmentsPerRfc5722() {
        byte[] p = PacketBuilder.ipv6("2001:db8:1::1", "2001:db8:2::1").udp(7, 8, new byte[100]);
        List<byte[]> frags = fragmentV6(p, 64, 5);
        Reassembler r = Reassembler.linuxDefaults();
        r.add(frags.get(0), 0, frags.get(0).length, 0);
        byte[] overlap = frags.get(1).clone();
        Bytes.put16(overlap, 42, 56);
        assertThat(r.add(overlap, 0, overlap.length, 0)).isNull();
        assertThat(r.status()).isEqualTo(Reassembler.Status.OVERLAP);
        assertThat(r.pendingDatagrams()).isZero();
    }

    @Test
    void shouldRefuseNonFinalFragmentsNotMultipleOfEight() {
        byte[] p = PacketBuilder.ipv6("2001:db8:1::1", "2001:db8:2::1").udp(7, 8, new byte[100]);
        byte[] f = fragmentV6(p, 60, 5).get(0);
        Reassembler r = Reassembler.linuxDefaults();
        assertThat(r.add(f, 0, f.length, 0)).isNull();
        assertThat(r.status()).isEqualTo(Reassembler.Status.MALFORMED);
    }

    @Test
    void shouldExpireIpv6QueuesAfterSixtySeconds() {
        byte[] p = PacketBuilder.ipv6("2001:db8:1::1", "2001:db8:2::1").udp(7, 8, new byte[100]);
        byte[] first = fragmentV6(p, 64, 5).get(0);
        Reassembler r = Reassembler.linuxDefaults();
        r.add(first, 0, first.length, 0);
        assertThat(r.expire(59_000_000_000L)).isEmpty();
        List<Reassembler.Expired> e = r.expire(60_000_000_000L);
        assertThat(e).hasSize(1);
        assertThat(e.get(0).v6()).isTrue();
        assertThat(e.get(0).firstFragment()).isEqualTo(first);
    }
}
