package io.lwtemu.node.forward;

/**
 * The LWT state of a route with {@code encap bpf} (the kernel's {@code struct bpf_lwt}): up to three programs
 * with the names {@code ip route} shows, and the xmit headroom. Stored in {@link io.lwtemu.node.fib.Route#encap}.
 */
public record BpfLwt(LwtProgram in, String inName, LwtProgram out, String outName, LwtProgram xmit,
        String xmitName, int headroom) {

    public static final int MAX_HEADROOM = 256;

    public BpfLwt {
        if (in == null && out == null && xmit == null) {
            throw new IllegalArgumentException("encap bpf needs at least one of in, out, xmit (-EINVAL)");
        }
        if (headroom < 0 || headroom > MAX_HEADROOM) {
            throw new IllegalArgumentException("headroom " + headroom + " out of range 0.." + MAX_HEADROOM
                    + " (-ERANGE)");
        }
    }

    public static BpfLwt in(LwtProgram p) {
        return new BpfLwt(p, "in", null, null, null, null, 0);
    }

    public static BpfLwt out(LwtProgram p) {
        return new BpfLwt(null, null, p, "out", null, null, 0);
    }

    public static BpfLwt xmit(LwtProgram p, int headroom) {
        return new BpfLwt(null, null, null, null, p, "xmit", headroom);
    }

    /**
     * lwtunnel_headroom(): the MTU reduction for a route whose state redirects output or xmit, only when the
     * headroom is below the MTU.
     */
    public int mtuReduction(int mtu) {
        return (out != null || xmit != null) && headroom < mtu ? headroom : 0;
    }

    /** As {@code ip route show} prints it: program names, headroom hidden. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("bpf");
        if (in != null) {
            sb.append(" in ").append(inName);
        }
        if (out != null) {
            sb.append(" out ").append(outName);
        }
        if (xmit != null) {
            sb.append(" xmit ").append(xmitName);
        }
        return sb.toString();
    }
}
