package io.lwtemu.node.net;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;

/**
 * Finds the array behind a protobuf {@link ByteString} without copying it: {@link UnsafeByteOperations#unsafeWriteTo}
 * hands an array-backed ByteString's own array, offset and length to {@link #writeLazy(byte[], int, int)}.
 * Within one JVM a received {@code Packet}'s data is the sender's skb buffer, wrapped when it left its router
 * (the skb was handed over), so the receiver can keep working in that buffer: no copy and no allocation per hop.
 * ByteStrings made of several pieces or of a ByteBuffer are not captured; the caller copies those.
 */
final class ByteStringArray extends ByteOutput {
    byte[] array;
    int offset;
    int length;
    private int pieces;

    /** True when {@code data} is one array slice, now in {@link #array}/{@link #offset}/{@link #length}. */
    boolean capture(ByteString data) {
        array = null;
        pieces = 0;
        try {
            UnsafeByteOperations.unsafeWriteTo(data, this);
        } catch (java.io.IOException e) {
            return false;
        }
        return pieces == 1 && array != null;
    }

    @Override
    public void writeLazy(byte[] value, int off, int len) {
        pieces++;
        array = value;
        offset = off;
        length = len;
    }

    @Override
    public void write(byte value) {
        pieces += 2;
    }

    @Override
    public void write(byte[] value, int off, int len) {
        pieces += 2;
    }

    @Override
    public void write(ByteBuffer value) {
        pieces += 2;
    }

    @Override
    public void writeLazy(ByteBuffer value) {
        pieces += 2;
    }
}
