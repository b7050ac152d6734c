package io.lwtemu.cli;

import java.util.HexFormat;

/** Hex text as users type it: "45 00 00 54", "4500-0054", "0x4500..." all parse. */
final class Hex {
    private Hex() {}

    static byte[] parse(String text, String what) {
        String s = text.replaceAll("[\\s:.-]", "");
        if (s.startsWith("0x") || s.startsWith("0X")) {
            s = s.substring(2);
        }
        if (s.length() % 2 != 0) {
            throw new UserException(what + ": odd number of hex digits (" + s.length() + ")");
        }
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new UserException(what + ": not hex: " + e.getMessage());
        }
    }

    static String format(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
