package io.lwtemu.node.impair;

import java.util.Arrays;

/** A binary min-heap of longs (netem's time_to_send values), growing as needed, without boxing. */
final class LongMinHeap {
    private long[] a = new long[16];
    private int size;

    int size() {
        return size;
    }

    long peek() {
        return a[0];
    }

    void add(long v) {
        if (size == a.length) {
            a = Arrays.copyOf(a, size * 2);
        }
        int k = size++;
        while (k > 0) {
            int parent = (k - 1) >>> 1;
            if (a[parent] <= v) {
                break;
            }
            a[k] = a[parent];
            k = parent;
        }
        a[k] = v;
    }

    long poll() {
        long top = a[0];
        long v = a[--size];
        int k = 0;
        int half = size >>> 1;
        while (k < half) {
            int c = 2 * k + 1;
            if (c + 1 < size && a[c + 1] < a[c]) {
                c++;
            }
            if (v <= a[c]) {
                break;
            }
            a[k] = a[c];
            k = c;
        }
        if (size > 0) {
            a[k] = v;
        }
        return top;
    }

    void clear() {
        size = 0;
    }
}
