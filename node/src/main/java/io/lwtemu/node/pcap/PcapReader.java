package io.lwtemu.node.pcap;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads classic pcap files (micro- or nanosecond magic, either byte order) and yields the IP packet of each
 * record. Link types: RAW (101), IPV4 (228), IPV6 (229), Ethernet (1, IPv4/IPv6 frames, one optional VLAN tag),
 * Linux cooked capture SLL (113) and SLL2 (276) - what tcpdump and dumpcap write on Linux. pcapng is refused with
 * a hint to convert it (see {@link PcapWriter} for why this is hand-written).
 */
public final class PcapReader implements AutoCloseable {
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int LINKTYPE_LINUX_SLL = 113;
    public static final int LINKTYPE_IPV4 = 228;
    public static final int LINKTYPE_IPV6 = 229;
    public static final int LINKTYPE_LINUX_SLL2 = 276;
    private static final int PCAPNG_MAGIC = 0x0a0d0d0a;

    /** One record: when it was captured, its captured bytes and the length it had on the wire. */
    public record Record(long timestampNs, byte[] data, int originalLength) {}

    private final DataInputStream in;
    private final String source;
    private final ByteOrder order;
    private final boolean nanos;
    private final int linkType;
    private final byte[] header = new byte[16];

    public PcapReader(InputStream stream, String source) throws IOException {
        this.in = new DataInputStream(new BufferedInputStream(stream, 1 << 16));
        this.source = source;
        byte[] h = new byte[24];
        try {
            in.readFully(h);
        } catch (EOFException e) {
            throw new PcapFormatException(source + ": not a pcap file (shorter than the 24-byte header)");
        }
        int magicBe = ByteBuffer.wrap(h, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        int magicLe = ByteBuffer.wrap(h, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (magicBe == PcapWriter.MAGIC_MICROS || magicBe == PcapWriter.MAGIC_NANOS) {
            order = ByteOrder.BIG_ENDIAN;
            nanos = magicBe == PcapWriter.MAGIC_NANOS;
        } else if (magicLe == PcapWriter.MAGIC_MICROS || magicLe == PcapWriter.MAGIC_NANOS) {
            order = ByteOrder.LITTLE_ENDIAN;
            nanos = magicLe == PcapWriter.MAGIC_NANOS;
        } else if (magicBe == PCAPNG_MAGIC) {
            throw new PcapFormatException(source + ": pcapng is not supported, convert it with "
                    + "'editcap -F pcap IN OUT' (or capture with 'tcpdump -w' / 'dumpcap -P')");
        } else {
            throw new PcapFormatException(source + String.format(": not a pcap file (magic 0x%08x)", magicBe));
        }
        linkType = ByteBuffer.wrap(h, 20, 4).order(order).getInt() & 0x0fffffff;
        if (linkType != PcapWriter.LINKTYPE_RAW && linkType != LINKTYPE_IPV4 && linkType != LINKTYPE_IPV6
                && linkType != LINKTYPE_ETHERNET && linkType != LINKTYPE_LINUX_SLL && linkType != LINKTYPE_LINUX_SLL2) {
            throw new PcapFormatException(source + ": link type " + linkType
                    + " is not supported, expected raw IP (101), Ethernet (1) or Linux cooked (113, 276)");
        }
    }

    public static PcapReader open(Path file) throws IOException {
        return new PcapReader(Files.newInputStream(file), file.toString());
    }

    public int linkType() {
        return linkType;
    }

    public boolean nanosecondTimestamps() {
        return nanos;
    }

    /** The next record as captured (link-layer header included), or null at the end of the file. */
    public Record next() throws IOException {
        int n = in.readNBytes(header, 0, 16);
        if (n == 0) {
            return null;
        }
        if (n < 16) {
            throw new PcapFormatException(source + ": truncated record header at the end of the file");
        }
        ByteBuffer b = ByteBuffer.wrap(header).order(order);
        long sec = b.getInt(0) & 0xffffffffL;
        long frac = b.getInt(4) & 0xffffffffL;
        int caplen = b.getInt(8);
        int len = b.getInt(12);
        if (caplen < 0 || caplen > 1 << 24) {
            throw new PcapFormatException(source + ": bad record length " + caplen);
        }
        byte[] data = new byte[caplen];
        try {
            in.readFully(data);
        } catch (EOFException e) {
            throw new PcapFormatException(source + ": truncated record at the end of the file");
        }
        return new Record(sec * 1_000_000_000L + (nanos ? frac : frac * 1000), data, len);
    }

    /**
     * The next record's IP packet (link-layer header removed), or null at the end of the file. Records that hold
     * no IPv4/IPv6 packet (ARP, LLDP, ...) are skipped.
     */
    public Record nextIp() throws IOException {
        for (Record r; (r = next()) != null;) {
            int off = ipOffset(r.data());
            if (off >= 0 && off < r.data().length) {
                int v = (r.data()[off] & 0xff) >>> 4;
                if (v == 4 || v == 6) {
                    int end = ipEnd(r.data(), off, v);
                    byte[] ip = off == 0 && end == r.data().length ? r.data()
                            : java.util.Arrays.copyOfRange(r.data(), off, end);
                    return new Record(r.timestampNs(), ip, Math.min(r.originalLength() - off, ipLength(r, off, v)));
                }
            }
        }
        return null;
    }

    /** Offset of the IP header in a record of this file's link type, or -1 when it carries no IP packet. */
    private int ipOffset(byte[] d) {
        switch (linkType) {
            case LINKTYPE_ETHERNET -> {
                int off = 12;
                int type = u16(d, off);
                if (type == 0x8100 || type == 0x88a8) {
                    off += 4;
                    type = u16(d, off);
                }
                return type == 0x0800 || type == 0x86dd ? off + 2 : -1;
            }
            case LINKTYPE_LINUX_SLL -> {
                int type = u16(d, 14);
                return type == 0x0800 || type == 0x86dd ? 16 : -1;
            }
            case LINKTYPE_LINUX_SLL2 -> {
                int type = u16(d, 0);
                return type == 0x0800 || type == 0x86dd ? 20 : -1;
            }
            default -> {
                return 0;
            }
        }
    }

    /** End of the IP packet in the record: Ethernet pads short frames to 60 bytes, the padding is not IP. */
    private static int ipEnd(byte[] d, int off, int version) {
        int len = ipTotalLength(d, off, version);
        return len > 0 && off + len < d.length ? off + len : d.length;
    }

    private static int ipLength(Record r, int off, int version) {
        int len = ipTotalLength(r.data(), off, version);
        return len > 0 ? len : r.originalLength() - off;
    }

    /** The packet's own length (IPv4 total length, IPv6 payload length + 40), or -1 when not captured. */
    private static int ipTotalLength(byte[] d, int off, int version) {
        if (version == 4) {
            return u16(d, off + 2);
        }
        int payload = u16(d, off + 4);
        return payload <= 0 ? -1 : payload + 40;
    }

    private static int u16(byte[] d, int off) {
        return off + 2 <= d.length ? ((d[off] & 0xff) << 8) | (d[off + 1] & 0xff) : -1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
