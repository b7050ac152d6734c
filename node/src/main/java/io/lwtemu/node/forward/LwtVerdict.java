package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.SkBuff;
import java.util.ArrayList;
import java.util.List;

/**
 * What an LWT program run produced: the raw return value (r0) plus its side effects on the datapath: the
 * target recorded by {@code bpf_redirect()} and the clones made by {@code bpf_clone_redirect()}. The pipeline
 * owns one instance and resets it before each run, so running a program does not allocate.
 */
public final class LwtVerdict {
    /** Return codes of include/uapi/linux/bpf.h enum bpf_ret_code. */
    public static final int BPF_OK = 0;
    public static final int BPF_DROP = 2;
    public static final int BPF_REDIRECT = 7;
    public static final int BPF_LWT_REROUTE = 128;
    /** bpf_redirect() flag: deliver on the target's ingress instead of transmitting. */
    public static final long BPF_F_INGRESS = 1;

    /** A copy sent by bpf_clone_redirect(). */
    public record Clone(SkBuff skb, int ifindex, long flags) {}

    /** r0 as the program returned it (unsigned 32-bit value in an int). */
    public int ret;
    /** True when bpf_redirect() was called (the per-CPU bpf_redirect_info has a target). */
    public boolean redirectSet;
    public int redirectIfindex;
    public long redirectFlags;
    /** Set when the program could not complete (emulator runtime fault); {@link #faultMessage} says why. */
    public boolean fault;
    public String faultMessage;
    private final List<Clone> clones = new ArrayList<>(2);

    public void reset() {
        ret = 0;
        redirectSet = false;
        redirectIfindex = 0;
        redirectFlags = 0;
        fault = false;
        faultMessage = null;
        clones.clear();
    }

    /** Returns this verdict with {@code ret} set, for programs that only return a code. */
    public LwtVerdict ret(int code) {
        this.ret = code;
        return this;
    }

    /** Records bpf_redirect(ifindex, flags). */
    public LwtVerdict redirect(int ifindex, long flags) {
        redirectSet = true;
        redirectIfindex = ifindex;
        redirectFlags = flags;
        return this;
    }

    /** Records a bpf_clone_redirect() copy (the helper already copied the packet). */
    public LwtVerdict cloneRedirect(SkBuff copy, int ifindex, long flags) {
        clones.add(new Clone(copy, ifindex, flags));
        return this;
    }

    public LwtVerdict fault(String message) {
        fault = true;
        faultMessage = message;
        return this;
    }

    public List<Clone> clones() {
        return clones;
    }
}
