package io.lwtemu.node.forward;

import io.lwtemu.node.fib.IpAddress;

/**
 * LWT state of {@code encap seg6local action ...} (net/ipv6/seg6_local.c) on a local SID route. Fields the action
 * does not use are null/0. {@code bpf} is the End.BPF program (type LWT_SEG6LOCAL).
 */
public record Seg6LocalLwt(Action action, IpAddress nh4, IpAddress nh6, int table, LwtProgram bpf, String bpfName) {

    /** The actions the pipeline implements. */
    public enum Action { END, END_X, END_T, END_DX4, END_DX6, END_DT6, END_BPF }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("seg6local action ").append(switch (action) {
            case END -> "End";
            case END_X -> "End.X";
            case END_T -> "End.T";
            case END_DX4 -> "End.DX4";
            case END_DX6 -> "End.DX6";
            case END_DT6 -> "End.DT6";
            case END_BPF -> "End.BPF";
        });
        if (nh4 != null) {
            sb.append(" nh4 ").append(nh4);
        }
        if (nh6 != null) {
            sb.append(" nh6 ").append(nh6);
        }
        if (table != 0) {
            sb.append(" table ").append(table);
        }
        if (bpf != null) {
            sb.append(" endpoint ").append(bpfName);
        }
        return sb.toString();
    }
}
