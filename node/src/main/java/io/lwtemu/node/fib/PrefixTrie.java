package io.lwtemu.node.fib;

import java.util.function.BiConsumer;

/**
 * Path-compressed binary (Patricia) trie keyed by left-aligned 128-bit prefixes: each node holds the full
 * prefix it stands for, so a lookup compares a whole run of bits per node and skips single-child chains.
 * Longest-prefix match walks at most one node per distinct prefix length on the path and does not allocate.
 *
 * <p>Written here rather than taken from a library: the JDK has none, and the common Java tries (e.g.
 * commons-collections' PatriciaTrie) key by objects, which would allocate on every packet.
 */
final class PrefixTrie<V> {
    private static final class Node<V> {
        final long hi;
        final long lo;
        final int len;
        /** The prefix masks of {@code len}, computed once: a lookup compares without recomputing them per node. */
        final long maskHi;
        final long maskLo;
        Node<V> left;
        Node<V> right;
        V value;

        Node(long hi, long lo, int len, V value) {
            this.hi = hi;
            this.lo = lo;
            this.len = len;
            this.maskHi = Prefix.maskHi(len);
            this.maskLo = Prefix.maskLo(len);
            this.value = value;
        }
    }

    private Node<V> root;
    private int size;

    int size() {
        return size;
    }

    static int bit(long hi, long lo, int i) {
        return i < 64 ? (int) ((hi >>> (63 - i)) & 1) : (int) ((lo >>> (127 - i)) & 1);
    }

    private static int commonLength(long h1, long l1, long h2, long l2) {
        long x = h1 ^ h2;
        if (x != 0) {
            return Long.numberOfLeadingZeros(x);
        }
        x = l1 ^ l2;
        return x == 0 ? 128 : 64 + Long.numberOfLeadingZeros(x);
    }

    private static boolean matches(Node<?> n, long hi, long lo) {
        return ((hi ^ n.hi) & n.maskHi) == 0 && ((lo ^ n.lo) & n.maskLo) == 0;
    }

    /** Longest-prefix match: the value of the longest stored prefix containing the address, or null. */
    V lookup(long hi, long lo) {
        Node<V> n = root;
        V best = null;
        while (n != null && matches(n, hi, lo)) {
            if (n.value != null) {
                best = n.value;
            }
            if (n.len == 128) {
                break;
            }
            n = bit(hi, lo, n.len) == 0 ? n.left : n.right;
        }
        return best;
    }

    /** Value stored for exactly this prefix (host bits must be zero), or null. */
    V get(long hi, long lo, int len) {
        Node<V> n = root;
        while (n != null && n.len <= len && matches(n, hi, lo)) {
            if (n.len == len) {
                return n.value;
            }
            n = bit(hi, lo, n.len) == 0 ? n.left : n.right;
        }
        return null;
    }

    /** Stores a value for the prefix (host bits must be zero); returns the previous value. */
    V put(long hi, long lo, int len, V value) {
        Node<V> parent = null;
        int dir = 0;
        Node<V> n = root;
        while (n != null) {
            int common = Math.min(commonLength(n.hi, n.lo, hi, lo), Math.min(n.len, len));
            if (common < n.len) {
                Node<V> fresh;
                if (common == len) {
                    fresh = new Node<>(hi, lo, len, value);
                    attach(fresh, bit(n.hi, n.lo, len), n);
                } else {
                    fresh = new Node<>(hi & Prefix.maskHi(common), lo & Prefix.maskLo(common), common, null);
                    attach(fresh, bit(hi, lo, common), new Node<>(hi, lo, len, value));
                    attach(fresh, bit(n.hi, n.lo, common), n);
                }
                replace(parent, dir, fresh);
                size++;
                return null;
            }
            if (n.len == len) {
                V old = n.value;
                n.value = value;
                if (old == null) {
                    size++;
                }
                return old;
            }
            parent = n;
            dir = bit(hi, lo, n.len);
            n = dir == 0 ? n.left : n.right;
        }
        replace(parent, dir, new Node<>(hi, lo, len, value));
        size++;
        return null;
    }

    /** Removes the value of exactly this prefix; returns it, or null if there was none. */
    V remove(long hi, long lo, int len) {
        Node<V> grand = null;
        int grandDir = 0;
        Node<V> parent = null;
        int dir = 0;
        Node<V> n = root;
        while (n != null && n.len < len && matches(n, hi, lo)) {
            grand = parent;
            grandDir = dir;
            parent = n;
            dir = bit(hi, lo, n.len);
            n = dir == 0 ? n.left : n.right;
        }
        if (n == null || n.len != len || !matches(n, hi, lo) || n.value == null) {
            return null;
        }
        V old = n.value;
        n.value = null;
        size--;
        if (n.left != null && n.right != null) {
            return old;
        }
        Node<V> child = n.left != null ? n.left : n.right;
        replace(parent, dir, child);
        if (child == null && parent != null && parent.value == null) {
            replace(grand, grandDir, parent.left != null ? parent.left : parent.right);
        }
        return old;
    }

    private static <V> void attach(Node<V> parent, int dir, Node<V> child) {
        if (dir == 0) {
            parent.left = child;
        } else {
            parent.right = child;
        }
    }

    private void replace(Node<V> parent, int dir, Node<V> n) {
        if (parent == null) {
            root = n;
        } else {
            attach(parent, dir, n);
        }
    }

    /** Visits stored prefixes in key order (shorter first on ties): (hi, lo, len) packed as a Prefix. */
    void forEach(Family family, BiConsumer<Prefix, V> visitor) {
        visit(root, family, visitor);
    }

    private static <V> void visit(Node<V> n, Family family, BiConsumer<Prefix, V> visitor) {
        if (n == null) {
            return;
        }
        if (n.value != null) {
            visitor.accept(new Prefix(family, n.hi, n.lo, n.len), n.value);
        }
        visit(n.left, family, visitor);
        visit(n.right, family, visitor);
    }
}
