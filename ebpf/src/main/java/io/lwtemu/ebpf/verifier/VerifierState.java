package io.lwtemu.ebpf.verifier;

import java.util.ArrayList;
import java.util.List;

/**
 * A verifier state (the kernel's {@code struct bpf_verifier_state}): the call frames, the acquired
 * references, and for stored states the bookkeeping for pruning and loop detection.
 */
final class VerifierState {
    final FuncState[] frames = new FuncState[8];
    int curframe;
    /** Acquired references (ringbuf records): pairs of (ref id, acquiring insn). */
    final List<int[]> refs = new ArrayList<>();

    /** The stored checkpoint this state descends from. */
    VerifierState parent;
    /** Stored states: paths still being explored below this checkpoint. */
    int branches;
    int insnIdx;
    int missCnt;
    /** Stored states: hash of the exact register and stack contents (loop detection). */
    long exactHash;
    int hitCnt;
    /** Counters at the time the checkpoint was made (loop heuristics). */
    long insnProcessedAt;
    long jmpsProcessedAt;

    VerifierState copy() {
        VerifierState s = new VerifierState();
        for (int i = 0; i <= curframe; i++) {
            s.frames[i] = frames[i].copy();
        }
        s.curframe = curframe;
        for (int[] r : refs) {
            s.refs.add(r.clone());
        }
        s.parent = parent;
        s.insnIdx = insnIdx;
        return s;
    }

    FuncState cur() {
        return frames[curframe];
    }

    RegState[] regs() {
        return frames[curframe].regs;
    }
}
