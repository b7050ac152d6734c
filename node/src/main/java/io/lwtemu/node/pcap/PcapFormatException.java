package io.lwtemu.node.pcap;

import java.io.IOException;

/** A file that is not a pcap file lwtemu can read; the message names the file and what is wrong. */
public final class PcapFormatException extends IOException {
    public PcapFormatException(String message) {
        super(message);
    }
}
