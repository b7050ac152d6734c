package io.lwtemu.ebpf.verifier;

import java.util.Arrays;

/**
 * One call frame (the kernel's {@code struct bpf_func_state}): registers and the 512-byte stack, tracked
 * per byte ({@link #INVALID}, {@link #SPILL}, {@link #MISC}, {@link #ZERO}) with one spilled register per
 * 8-byte slot. Byte {@code b} of {@link #stype} is the byte at {@code fp - 512 + b}.
 */
final class FuncState {
    static final byte INVALID = 0;
    static final byte SPILL = 1;
    static final byte MISC = 2;
    static final byte ZERO = 3;
    static final int STACK = 512;
    static final int SLOTS = STACK / 8;

    final RegState[] regs = new RegState[11];
    final byte[] stype = new byte[STACK];
    final RegState[] spilled = new RegState[SLOTS];
    /** Bytes of the slot the spill covers (8, or 1/2/4 for narrow scalar spills at the slot start). */
    final byte[] spillSize = new byte[SLOTS];
    /** Instruction index of the call that created this frame, -1 for the main frame. */
    int callsite = -1;
    int frameno;
    int subprog;

    FuncState() {
        for (int i = 0; i < regs.length; i++) {
            regs[i] = new RegState();
        }
    }

    FuncState copy() {
        FuncState f = new FuncState();
        for (int i = 0; i < regs.length; i++) {
            f.regs[i].copyFrom(regs[i]);
        }
        System.arraycopy(stype, 0, f.stype, 0, STACK);
        for (int i = 0; i < SLOTS; i++) {
            f.spilled[i] = spilled[i] == null ? null : spilled[i].copy();
        }
        System.arraycopy(spillSize, 0, f.spillSize, 0, SLOTS);
        f.callsite = callsite;
        f.frameno = frameno;
        f.subprog = subprog;
        return f;
    }

    /** Forgets the spilled register of {@code slot}; its SPILL bytes become MISC. */
    void scrubSlot(int slot) {
        if (spilled[slot] == null) {
            return;
        }
        spilled[slot] = null;
        spillSize[slot] = 0;
        for (int b = slot * 8; b < slot * 8 + 8; b++) {
            if (stype[b] == SPILL) {
                stype[b] = MISC;
            }
        }
    }

    boolean stackEquals(FuncState o) {
        return Arrays.equals(stype, o.stype) && Arrays.equals(spillSize, o.spillSize);
    }
}
