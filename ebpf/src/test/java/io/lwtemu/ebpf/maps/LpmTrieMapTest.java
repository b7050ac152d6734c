package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.vm.AddressSpace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.lwtemu.ebpf.maps.MapTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

class LpmTrieMapTest {
    private static BpfMap ipv4(int max) {
        return Maps.create(def("lpm4", MapType.LPM_TRIE, 8, 4, max, MapDefinition.BPF_F_NO_PREALLOC), 1);
    }

    private static long valueFor(BpfMap m, byte[] key) {
        byte[] v = m.lookup(key);
        return v == null ? -1 : le32(v, 0);
    }

    private static String str(byte[] key) {
        StringBuilder sb = new StringBuilder();
        for (int i = 4; i < key.length; i++) {
            sb.append(i > 4 ? "." : "").append(key[i] & 0xff);
        }
        return sb.append('/').append(le32(key, 0)).toString();
    }

    @Test
    void shouldReturnTheLongestMatchingPrefixForIpv4() {
        BpfMap m = ipv4(16);
        assertThat(m.update(lpmKey(8, 10, 0, 0, 0), u32(8), BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(lpmKey(16, 10, 1, 0, 0), u32(16), BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(lpmKey(24, 10, 1, 2, 0), u32(24), BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(lpmKey(32, 10, 1, 2, 3), u32(32), BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(lpmKey(0, 0, 0, 0, 0), u32(0), BpfMap.BPF_ANY)).isZero();
        assertThat(valueFor(m, lpmKey(32, 10, 1, 2, 3))).isEqualTo(32);
        assertThat(valueFor(m, lpmKey(32, 10, 1, 2, 4))).isEqualTo(24);
        assertThat(valueFor(m, lpmKey(32, 10, 1, 3, 4))).isEqualTo(16);
        assertThat(valueFor(m, lpmKey(32, 10, 9, 3, 4))).isEqualTo(8);
        assertThat(valueFor(m, lpmKey(32, 11, 9, 3, 4))).isEqualTo(0);
        // the key's prefixlen limits the match
        assertThat(valueFor(m, lpmKey(20, 10, 1, 2, 3))).isEqualTo(16);
        // program side: pointer to the value
        long p = m.lookupElem(lpmKey(32, 10, 1, 2, 77), 0, 0);
        assertThat(new AddressSpace().load(p, 4)).isEqualTo(24);
        assertThat(p % 8).isZero();
    }

    @Test
    void shouldMatchIpv6StyleKeys() {
        BpfMap m = Maps.create(def("lpm6", MapType.LPM_TRIE, 20, 8, 8, MapDefinition.BPF_F_NO_PREALLOC), 1);
        int[] fc00 = {0xfc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        int[] fc00_1 = {0xfc, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        int[] host = {0xfc, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
        assertThat(m.update(lpmKey(7, fc00), u64(7), BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(lpmKey(48, fc00_1), u64(48), BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(lpmKey(128, host), u64(128), BpfMap.BPF_ANY)).isZero();
        assertThat(le64(m.lookup(lpmKey(128, host)), 0)).isEqualTo(128);
        int[] other = host.clone();
        other[15] = 6;
        assertThat(le64(m.lookup(lpmKey(128, other)), 0)).isEqualTo(48);
        other[3] = 2;
        assertThat(le64(m.lookup(lpmKey(128, other)), 0)).isEqualTo(7);
        other[0] = 0xfd; // fd00:: is still within fc00::/7
        assertThat(le64(m.lookup(lpmKey(128, other)), 0)).isEqualTo(7);
        other[0] = 0x20;
        assertThat(m.lookup(lpmKey(128, other))).isNull();
        assertThat(m.update(lpmKey(129, host), u64(1), BpfMap.BPF_ANY)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void shouldReturnTheKernelsErrnoForTrieUpdatesAndDeletes() {
        BpfMap m = ipv4(2);
        assertThat(m.update(lpmKey(33, 1, 2, 3, 4), u32(1), BpfMap.BPF_ANY)).isEqualTo(-Errno.EINVAL);
        assertThat(m.update(lpmKey(24, 1, 2, 3, 0), u32(1), 3)).isEqualTo(-Errno.EINVAL);
        assertThat(m.update(lpmKey(24, 1, 2, 3, 0), u32(1), BpfMap.BPF_EXIST)).isEqualTo(-Errno.ENOENT);
        assertThat(m.update(lpmKey(24, 1, 2, 3, 0), u32(1), BpfMap.BPF_NOEXIST)).isZero();
        assertThat(m.update(lpmKey(24, 1, 2, 3, 0), u32(2), BpfMap.BPF_NOEXIST)).isEqualTo(-Errno.EEXIST);
        assertThat(m.update(lpmKey(16, 1, 2, 0, 0), u32(3), BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(lpmKey(8, 1, 0, 0, 0), u32(4), BpfMap.BPF_ANY)).isEqualTo(-Errno.ENOSPC);
        // replacing an existing prefix works when full
        assertThat(m.update(lpmKey(24, 1, 2, 3, 0), u32(5), BpfMap.BPF_EXIST)).isZero();
        assertThat(valueFor(m, lpmKey(32, 1, 2, 3, 9))).isEqualTo(5);
        assertThat(m.delete(lpmKey(33, 1, 2, 3, 0))).isEqualTo(-Errno.EINVAL);
        assertThat(m.delete(lpmKey(20, 1, 2, 3, 0))).isEqualTo(-Errno.ENOENT);
        assertThat(m.delete(lpmKey(24, 1, 2, 3, 0))).isZero();
        assertThat(valueFor(m, lpmKey(32, 1, 2, 3, 9))).isEqualTo(3);
        assertThat(m.delete(lpmKey(24, 1, 2, 3, 0))).isEqualTo(-Errno.ENOENT);
    }

    @Test
    void shouldIterateInPostOrderLikeTheKernel() {
        // the example from kernel/bpf/lpm_trie.c's trie_get_next_key
        BpfMap m = ipv4(8);
        m.update(lpmKey(16, 192, 168, 0, 0), u32(1), BpfMap.BPF_ANY);
        m.update(lpmKey(24, 192, 168, 0, 0), u32(2), BpfMap.BPF_ANY);
        m.update(lpmKey(24, 192, 168, 1, 0), u32(3), BpfMap.BPF_ANY);
        m.update(lpmKey(24, 192, 168, 128, 0), u32(4), BpfMap.BPF_ANY);
        List<String> order = new ArrayList<>();
        for (byte[] k = m.nextKey(null); k != null; k = m.nextKey(k)) {
            order.add(str(k));
        }
        assertThat(order).containsExactly("192.168.0.0/24", "192.168.1.0/24", "192.168.128.0/24", "192.168.0.0/16");
        // a missing key restarts from the leftmost element
        assertThat(str(m.nextKey(lpmKey(24, 10, 0, 0, 0)))).isEqualTo("192.168.0.0/24");
        assertThat(ipv4(1).nextKey(null)).isNull();
    }

    @Test
    void shouldKeepBranchingNodesWhenDeletingAPrefixWithTwoChildren() {
        BpfMap m = ipv4(3);
        m.update(lpmKey(16, 192, 168, 0, 0), u32(16), BpfMap.BPF_ANY);
        m.update(lpmKey(24, 192, 168, 0, 0), u32(1), BpfMap.BPF_ANY);
        m.update(lpmKey(24, 192, 168, 128, 0), u32(2), BpfMap.BPF_ANY);
        assertThat(m.delete(lpmKey(16, 192, 168, 0, 0))).isZero();
        assertThat(m.lookup(lpmKey(32, 192, 168, 7, 7))).isNull();
        assertThat(valueFor(m, lpmKey(32, 192, 168, 128, 7))).isEqualTo(2);
        assertThat(m.update(lpmKey(8, 10, 0, 0, 0), u32(8), BpfMap.BPF_ANY)).isZero();
        assertThat(m.update(lpmKey(24, 192, 168, 0, 0), u32(11), BpfMap.BPF_EXIST)).isZero();
        assertThat(m.update(lpmKey(16, 192, 168, 0, 0), u32(16), BpfMap.BPF_ANY)).isEqualTo(-Errno.ENOSPC);
        assertThat(m.delete(lpmKey(8, 10, 0, 0, 0))).isZero();
        assertThat(m.update(lpmKey(16, 192, 168, 0, 0), u32(17), BpfMap.BPF_NOEXIST)).isZero();
        assertThat(valueFor(m, lpmKey(32, 192, 168, 7, 7))).isEqualTo(17);
        assertThat(valueFor(m, lpmKey(32, 192, 168, 0, 7))).isEqualTo(11);
    }

    @Test
    void shouldAgreeWithALinearScanOnRandomPrefixes() {
        Random rnd = new Random(42);
        BpfMap m = ipv4(300);
        List<int[]> stored = new ArrayList<>(); // {prefixlen, addr}
        for (int i = 0; i < 2000; i++) {
            int plen = rnd.nextInt(33);
            int addr = rnd.nextInt(4) << 30 | rnd.nextInt(1 << 12) << 18; // share high bits
            addr = plen == 0 ? 0 : addr & (int) (0xffffffffL << (32 - plen));
            byte[] key = lpmKey(plen, addr >>> 24, (addr >>> 16) & 0xff, (addr >>> 8) & 0xff, addr & 0xff);
            int idx = indexOf(stored, plen, addr);
            if (rnd.nextInt(3) == 0) {
                assertThat(m.delete(key)).isEqualTo(idx >= 0 ? 0 : -Errno.ENOENT);
                if (idx >= 0) {
                    stored.remove(idx);
                }
            } else {
                int rc = m.update(key, u32(i), BpfMap.BPF_ANY);
                if (idx >= 0) {
                    assertThat(rc).isZero();
                    stored.get(idx)[2] = i;
                } else if (stored.size() == 300) {
                    assertThat(rc).isEqualTo(-Errno.ENOSPC);
                } else {
                    assertThat(rc).isZero();
                    stored.add(new int[] {plen, addr, i});
                }
            }
            int probe = rnd.nextInt(4) << 30 | rnd.nextInt(1 << 12) << 18 | rnd.nextInt(1 << 18);
            long expected = -1;
            int best = -1;
            for (int[] s : stored) {
                long mask = s[0] == 0 ? 0 : 0xffffffffL << (32 - s[0]) & 0xffffffffL;
                if (((probe ^ s[1]) & mask) == 0 && s[0] > best) {
                    best = s[0];
                    expected = s[2];
                }
            }
            byte[] pk = lpmKey(32, probe >>> 24, (probe >>> 16) & 0xff, (probe >>> 8) & 0xff, probe & 0xff);
            assertThat(valueFor(m, pk)).isEqualTo(expected);
        }
        int n = 0;
        for (byte[] k = m.nextKey(null); k != null; k = m.nextKey(k)) {
            n++;
        }
        assertThat(n).isEqualTo(stored.size());
        assertThat(((LpmTrieMap) m).size()).isEqualTo(stored.size());
    }

    private static int indexOf(List<int[]> stored, int plen, int addr) {
        for (int i = 0; i < stored.size(); i++) {
            if (stored.get(i)[0] == plen && stored.get(i)[1] == addr) {
                return i;
            }
        }
        return -1;
    }
}
