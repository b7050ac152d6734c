package io.lwtemu.cli;

import java.util.HexFormat;

/** Hex text as users type it: "45 00 00 54", "4500-0054", "0x4500..." all parse. */
final class Hex {
    private Hex() {}

    /**
     * Parses {@code text}; a mistake gives a {@link UserException} naming {@code what} (the option) and the
     * first offending character with its position in the text as typed.
     */
    static byte[] parse(String text, String what) {
        StringBuilder digits = new StringBuilder(text.length());
        int start = text.startsWith("0x") || text.startsWith("0X") ? 2 : 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c == ':' || c == '.' || c == '-') {
                continue;
            }
            if (Character.digit(c, 16) < 0) {
                throw new UserException(what + ": '" + c + "' at position " + i + " is not a hex digit");
            }
            digits.append(c);
        }
        if (digits.length() % 2 != 0) {
            throw new UserException(what + ": odd number of hex digits (" + digits.length() + ")");
        }
        return HexFormat.of().parseHex(digits);
    }

    static String format(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
