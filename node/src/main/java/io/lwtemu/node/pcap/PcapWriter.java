package io.lwtemu.node.pcap;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic pcap file with nanosecond timestamps (magic 0xa1b23c4d) and link type LINKTYPE_RAW (101): each
 * record is a bare IPv4 or IPv6 packet, which is what lwtemu's TUN-like interfaces carry. tshark, tcpdump and
 * Wireshark read it as is.
 *
 * <p>Written here rather than taken from pcap4j: pcap4j needs the native libpcap at run time, and the format is a
 * 24-byte file header plus a 16-byte header per record. Records are written in the machine-independent
 * little-endian order; readers detect the order from the magic.
 */
public final class PcapWriter implements AutoCloseable {
    public static final int MAGIC_NANOS = 0xa1b23c4d;
    public static final int MAGIC_MICROS = 0xa1b2c3d4;
    public static final int LINKTYPE_RAW = 101;
    public static final int SNAPLEN = 262_144;

    private final OutputStream out;
    private final byte[] header = new byte[16];
    private long records;

    public PcapWriter(OutputStream out) throws IOException {
        this.out = out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 1 << 16);
        byte[] h = new byte[24];
        le32(h, 0, MAGIC_NANOS);
        le16(h, 4, 2); // version 2.4
        le16(h, 6, 4);
        // thiszone 0, sigfigs 0
        le32(h, 16, SNAPLEN);
        le32(h, 20, LINKTYPE_RAW);
        this.out.write(h);
    }

    public static PcapWriter create(Path file) throws IOException {
        return new PcapWriter(Files.newOutputStream(file));
    }

    /** Appends one IP packet seen at {@code timestampNs} (nanoseconds since the epoch of the file's clock). */
    public synchronized void write(long timestampNs, byte[] packet, int off, int len) throws IOException {
        int caplen = Math.min(len, SNAPLEN);
        le32(header, 0, (int) (timestampNs / 1_000_000_000L));
        le32(header, 4, (int) (timestampNs % 1_000_000_000L));
        le32(header, 8, caplen);
        le32(header, 12, len);
        out.write(header);
        out.write(packet, off, caplen);
        records++;
    }

    /** Records written so far. */
    public synchronized long records() {
        return records;
    }

    public synchronized void flush() throws IOException {
        out.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    private static void le32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    private static void le16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }
}
