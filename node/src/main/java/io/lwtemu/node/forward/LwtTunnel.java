package io.lwtemu.node.forward;

import io.lwtemu.ebpf.prog.SkBuff;
import io.lwtemu.node.fib.Route;

/**
 * A non-BPF lightweight tunnel state stored in {@link Route#encap} (the kernel's {@code struct lwtunnel_state}
 * with its ops): seg6 encap and seg6local live in {@code io.lwtemu.node.seg6}. The pipeline hands a packet to
 * {@link #input} when the route was chosen for a received packet and the state redirects input
 * (LWTUNNEL_STATE_INPUT_REDIRECT, lwtunnel_input), and to {@link #output} when a locally sent packet takes the
 * route and the state redirects output (lwtunnel_output). The state then owns the packet's outcome: it continues
 * it through {@link ForwardingPipeline#inputRoute}, {@link ForwardingPipeline#inputVia},
 * {@link ForwardingPipeline#localOut} or ends it with {@link ForwardingPipeline#dropPacket}.
 */
public interface LwtTunnel {
    /** LWTUNNEL_STATE_INPUT_REDIRECT. */
    boolean redirectsInput();

    /** LWTUNNEL_STATE_OUTPUT_REDIRECT. */
    boolean redirectsOutput();

    /** Bytes the state adds in front of the packet on output: lwtunnel_headroom() reduces the path MTU by it. */
    int headroom();

    void input(ForwardingPipeline pipeline, NetDevice in, SkBuff skb, Route route);

    void output(ForwardingPipeline pipeline, NetDevice in, SkBuff skb, Route route, NetDevice out);
}
