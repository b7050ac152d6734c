package io.lwtemu.ebpf.verifier;

import io.lwtemu.ebpf.BpfProgram;
import io.lwtemu.ebpf.maps.MapType;
import io.lwtemu.ebpf.prog.ProgramType;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * Debugging aid, skipped unless -Dhex=INSN,INSN,... is given: verifies that program (lwt_in, privileged
 * rules) and prints the verdict; add -Dlwtemu.verifier.trace=true to print register states per instruction.
 */
class VerifierTraceTool {
    @Test
    void trace() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("hex") != null);
        String[] hex = System.getProperty("hex").split(",");
        long[] insns = new long[hex.length];
        for (int i = 0; i < hex.length; i++) {
            insns[i] = Long.parseUnsignedLong(hex[i], 16);
        }
        BpfProgram p = new BpfProgram("t", "t", ProgramType.LWT_IN, insns,
                List.of(Asm.map(MapType.ARRAY, 4, 16, 0), Asm.hash(8, 8)), "GPL");
        try {
            VerifierResult r = Verifier.verify(p, Asm.env(ProgramType.LWT_IN).withAllowUninitStack(true));
            System.out.println("ACCEPT " + r.log());
        } catch (VerifierException e) {
            System.out.println("REJECT " + e.getMessage());
        }
    }
}
