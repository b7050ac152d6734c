package io.lwtemu.ebpf.verifier;

import java.util.ArrayList;
import java.util.List;

/** The verifier log; {@link #fail} records the rejection line and builds the exception to throw. */
final class Log {
    final List<String> lines = new ArrayList<>();

    void add(String line) {
        if (lines.size() < 10_000) {
            lines.add(line);
        }
    }

    VerifierException fail(int insn, String reason) {
        add(reason);
        return new VerifierException(insn, reason, lines);
    }
}
