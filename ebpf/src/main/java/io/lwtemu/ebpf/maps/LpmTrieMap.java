package io.lwtemu.ebpf.maps;

import io.lwtemu.ebpf.Errno;
import io.lwtemu.ebpf.vm.AddressSpace;
import io.lwtemu.ebpf.vm.Pointer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code BPF_MAP_TYPE_LPM_TRIE} (kernel/bpf/lpm_trie.c): keys are {@code struct bpf_lpm_trie_key_u8}, a
 * host-order u32 {@code prefixlen} followed by {@code key_size - 4} data bytes in network order; a lookup
 * returns the value of the longest stored prefix that matches the key's data.
 *
 * <p>The trie has the kernel's shape: a binary tree of nodes, each covering {@code prefixlen} bits, with
 * "intermediate" nodes that exist only to branch and hold no value. Keeping the same shape gives the
 * kernel's {@link #nextKey} order (post-order: more specific prefixes before less specific ones) and the
 * kernel's results for {@code BPF_NOEXIST}/{@code BPF_EXIST} (-EEXIST, -ENOENT), a full trie
 * ({@code -ENOSPC}) and a prefixlen beyond the data ({@code -EINVAL}).
 *
 * <p>Lookups walk volatile child links without locking; updates and deletes lock and publish new nodes the
 * way the kernel's RCU updates do (a replaced node is swapped for a fresh one). Values live in a
 * {@link ValueSlab}: a replaced or deleted value's slot is recycled within this map.
 */
public final class LpmTrieMap extends BpfMap {
    private static final VarHandle BE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle BE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private static final class Node {
        final int prefixlen;
        final byte[] data;
        /** Value slot, or -1 for a node created as intermediate. */
        final int slot;
        volatile boolean intermediate;
        volatile Node child0;
        volatile Node child1;

        Node(int prefixlen, byte[] data, int slot, boolean intermediate) {
            this.prefixlen = prefixlen;
            this.data = data;
            this.slot = slot;
            this.intermediate = intermediate;
        }

        Node child(int bit) {
            return bit == 0 ? child0 : child1;
        }

        void setChild(int bit, Node n) {
            if (bit == 0) {
                child0 = n;
            } else {
                child1 = n;
            }
        }
    }

    private final int dataSize;
    private final int maxPrefixlen;
    private final int valueSize;
    private final int maxEntries;
    private final ValueSlab slab;
    private final Object lock = new Object();
    private boolean closed;
    private volatile Node root;
    private int entries;

    LpmTrieMap(MapDefinition def) {
        super(def);
        this.dataSize = def.keySize() - 4;
        this.maxPrefixlen = dataSize * 8;
        this.valueSize = def.valueSize();
        this.maxEntries = def.maxEntries();
        boolean writable = (def.flags() & MapDefinition.BPF_F_RDONLY_PROG) == 0;
        // A deleted prefix that still branches keeps its node (and slot) as an intermediate; there are
        // fewer of those than live prefixes, plus one spare slot for replacing a value when full.
        this.slab = new ValueSlab(this, (valueSize + 7) & ~7, (int) Math.min(Integer.MAX_VALUE - 1L,
                2L * maxEntries + 1L), writable);
    }

    /** Number of prefixes stored. */
    public int size() {
        synchronized (lock) {
            return entries;
        }
    }

    /** Bits of {@code node} that match the key's data, capped at both prefix lengths. */
    private int longestPrefixMatch(Node node, byte[] key, int off, int keyPrefixlen) {
        int limit = Math.min(node.prefixlen, keyPrefixlen);
        byte[] data = node.data;
        int k = off + 4;
        int matched = 0;
        int i = 0;
        // compare in big-endian words, as the kernel does, so IPv4 takes one step and IPv6 two
        for (; i + 8 <= dataSize && matched < limit; i += 8) {
            long diff = (long) BE_LONG.get(data, i) ^ (long) BE_LONG.get(key, k + i);
            if (diff != 0) {
                return Math.min(matched + Long.numberOfLeadingZeros(diff), limit);
            }
            matched += 64;
        }
        if (i + 4 <= dataSize && matched < limit) {
            int diff = (int) BE_INT.get(data, i) ^ (int) BE_INT.get(key, k + i);
            if (diff != 0) {
                return Math.min(matched + Integer.numberOfLeadingZeros(diff), limit);
            }
            matched += 32;
            i += 4;
        }
        for (; i < dataSize && matched < limit; i++) {
            int diff = (data[i] ^ key[k + i]) & 0xff;
            if (diff != 0) {
                return Math.min(matched + Integer.numberOfLeadingZeros(diff) - 24, limit);
            }
            matched += 8;
        }
        return Math.min(matched, limit);
    }

    private static int bit(byte[] data, int off, int index) {
        return (data[off + (index >>> 3)] >>> (7 - (index & 7))) & 1;
    }

    private static int prefixlenOf(byte[] key, int off) {
        return (int) AddressSpace.get(key, off, 4);
    }

    /** Longest-prefix match; null when nothing matches. Lock-free, allocation-free. */
    private Node match(byte[] key, int off) {
        int plen = prefixlenOf(key, off);
        if (Integer.compareUnsigned(plen, maxPrefixlen) > 0) {
            return null;
        }
        Node found = null;
        for (Node node = root; node != null; ) {
            int m = longestPrefixMatch(node, key, off, plen);
            if (m == maxPrefixlen) {
                return node.intermediate ? found : node; // kernel returns it directly; IM nodes never have full length
            }
            if (m < node.prefixlen) {
                break;
            }
            if (!node.intermediate) {
                found = node;
            }
            node = node.child(bit(key, off + 4, node.prefixlen));
        }
        return found;
    }

    // ---- program side ----

    @Override
    public long lookupElem(byte[] key, int keyOffset, int cpu) {
        Node n = match(key, keyOffset);
        return n == null ? Pointer.NULL : slab.pointer(n.slot);
    }

    @Override
    public int updateElem(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags, int cpu) {
        if (Long.compareUnsigned(flags, BPF_EXIST) > 0) {
            return -Errno.EINVAL;
        }
        int plen = prefixlenOf(key, keyOffset);
        if (Integer.compareUnsigned(plen, maxPrefixlen) > 0) {
            return -Errno.EINVAL;
        }
        synchronized (lock) {
            Node parent = null;
            int parentBit = 0;
            Node node = root;
            int matchlen = 0;
            while (node != null) {
                matchlen = longestPrefixMatch(node, key, keyOffset, plen);
                if (node.prefixlen != matchlen || node.prefixlen == plen || node.prefixlen == maxPrefixlen) {
                    break;
                }
                parent = node;
                parentBit = bit(key, keyOffset + 4, node.prefixlen);
                node = node.child(parentBit);
            }
            if (node != null && node.prefixlen == matchlen && !node.intermediate) {
                // an existing element with this exact prefix
                if (flags == BPF_NOEXIST) {
                    return -Errno.EEXIST;
                }
                Node fresh = newNode(plen, key, keyOffset, value, valueOffset);
                if (fresh == null) {
                    return -Errno.ENOMEM;
                }
                fresh.child0 = node.child0;
                fresh.child1 = node.child1;
                replace(parent, parentBit, fresh);
                slab.free(node.slot);
                return 0;
            }
            if (flags == BPF_EXIST) {
                return -Errno.ENOENT;
            }
            if (entries == maxEntries) {
                return -Errno.ENOSPC;
            }
            Node fresh = newNode(plen, key, keyOffset, value, valueOffset);
            if (fresh == null) {
                return -Errno.ENOMEM;
            }
            entries++;
            if (node == null) {
                replace(parent, parentBit, fresh);
            } else if (node.prefixlen == matchlen) {
                // an intermediate node with this prefix becomes a real one
                fresh.child0 = node.child0;
                fresh.child1 = node.child1;
                replace(parent, parentBit, fresh);
                if (node.slot >= 0) {
                    slab.free(node.slot); // was a real node once, deleted while it had two children
                }
            } else if (matchlen == plen) {
                // the new prefix covers node: insert it as node's parent
                fresh.setChild(bit(node.data, 0, matchlen), node);
                replace(parent, parentBit, fresh);
            } else {
                Node im = new Node(matchlen, node.data.clone(), -1, true);
                if (bit(key, keyOffset + 4, matchlen) != 0) {
                    im.child0 = node;
                    im.child1 = fresh;
                } else {
                    im.child0 = fresh;
                    im.child1 = node;
                }
                replace(parent, parentBit, im);
            }
            return 0;
        }
    }

    private Node newNode(int plen, byte[] key, int keyOffset, byte[] value, int valueOffset) {
        int slot = slab.allocate();
        if (slot < 0) {
            return null;
        }
        System.arraycopy(value, valueOffset, slab.bytes(slot), slab.offset(slot), valueSize);
        return new Node(plen, Arrays.copyOfRange(key, keyOffset + 4, keyOffset + 4 + dataSize), slot, false);
    }

    private void replace(Node parent, int bit, Node n) {
        if (parent == null) {
            root = n;
        } else {
            parent.setChild(bit, n);
        }
    }

    @Override
    public int deleteElem(byte[] key, int keyOffset) {
        int plen = prefixlenOf(key, keyOffset);
        if (Integer.compareUnsigned(plen, maxPrefixlen) > 0) {
            return -Errno.EINVAL;
        }
        synchronized (lock) {
            Node grandparent = null;
            int grandparentBit = 0;
            Node parent = null;
            int parentBit = 0;
            Node node = root;
            int matchlen = 0;
            while (node != null) {
                matchlen = longestPrefixMatch(node, key, keyOffset, plen);
                if (node.prefixlen != matchlen || node.prefixlen == plen) {
                    break;
                }
                grandparent = parent;
                grandparentBit = parentBit;
                parent = node;
                parentBit = bit(key, keyOffset + 4, node.prefixlen);
                node = node.child(parentBit);
            }
            if (node == null || node.prefixlen != plen || node.prefixlen != matchlen || node.intermediate) {
                return -Errno.ENOENT;
            }
            entries--;
            if (node.child0 != null && node.child1 != null) {
                // keep the node for branching; its value slot is reused when the prefix comes back
                node.intermediate = true;
                return 0;
            }
            if (parent != null && parent.intermediate && node.child0 == null && node.child1 == null) {
                // drop the intermediate parent too and promote the sibling
                Node sibling = parent.child0 == node ? parent.child1 : parent.child0;
                replace(grandparent, grandparentBit, sibling);
                if (parent.slot >= 0) {
                    slab.free(parent.slot);
                }
                slab.free(node.slot);
                return 0;
            }
            Node only = node.child0 != null ? node.child0 : node.child1;
            replace(parent, parentBit, only);
            slab.free(node.slot);
            return 0;
        }
    }

    // ---- user side ----

    private boolean validKey(byte[] key) {
        return key != null && key.length >= dataSize + 4;
    }

    /** Longest-prefix lookup, as the kernel's syscall path does too. */
    @Override
    public byte[] lookup(byte[] key) {
        if (!validKey(key)) {
            return null;
        }
        Node n = match(key, 0);
        if (n == null) {
            return null;
        }
        int at = slab.offset(n.slot);
        return Arrays.copyOfRange(slab.bytes(n.slot), at, at + valueSize);
    }

    @Override
    public int update(byte[] key, byte[] value, long flags) {
        if (!validKey(key) || value == null || value.length < valueSize) {
            return -Errno.EFAULT;
        }
        return updateElem(key, 0, value, 0, flags, 0);
    }

    @Override
    public int delete(byte[] key) {
        if (!validKey(key)) {
            return -Errno.EFAULT;
        }
        return deleteElem(key, 0);
    }

    /**
     * Post-order like {@code trie_get_next_key}: the children of a node (left, then right) before the node,
     * so more specific prefixes come first. A null, invalid or missing key restarts at the leftmost element.
     */
    @Override
    public byte[] nextKey(byte[] key) {
        Node searchRoot = root;
        if (searchRoot == null) {
            return null;
        }
        Node next = null;
        if (validKey(key) && Integer.compareUnsigned(prefixlenOf(key, 0), maxPrefixlen) <= 0) {
            int plen = prefixlenOf(key, 0);
            List<Node> stack = new ArrayList<>();
            Node node = searchRoot;
            while (node != null) {
                stack.add(node);
                int m = longestPrefixMatch(node, key, 0, plen);
                if (node.prefixlen != m || node.prefixlen == plen) {
                    break;
                }
                node = node.child(bit(key, 4, node.prefixlen));
            }
            if (node != null && node.prefixlen == plen && !node.intermediate) {
                int sp = stack.size() - 1;
                node = stack.get(sp);
                searchRoot = null;
                while (sp > 0) {
                    Node parent = stack.get(sp - 1);
                    if (parent.child0 == node && parent.child1 != null) {
                        searchRoot = parent.child1;
                        break;
                    }
                    if (!parent.intermediate) {
                        next = parent;
                        break;
                    }
                    node = parent;
                    sp--;
                }
                if (next == null && searchRoot == null) {
                    return null;
                }
            }
        }
        if (next == null) {
            for (Node node = searchRoot; node != null; ) {
                if (node.intermediate) {
                    node = node.child0;
                } else {
                    next = node;
                    node = node.child0 != null ? node.child0 : node.child1;
                }
            }
        }
        if (next == null) {
            return null;
        }
        byte[] out = new byte[dataSize + 4];
        AddressSpace.put(out, 0, 4, next.prefixlen);
        System.arraycopy(next.data, 0, out, 4, dataSize);
        return out;
    }

    /** Releases the value regions and the handle once; a second call does nothing (ids may be reused). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        slab.close();
        super.close();
    }
}
