/**
 * The data plane of one router: {@link io.lwtemu.node.forward.ForwardingPipeline} runs a packet through
 * validation, policy routing, local delivery, the LWT in/out/xmit hooks ({@link io.lwtemu.node.forward.LwtProgram}
 * with the return-code semantics of net/core/lwt_bpf.c), TTL/MTU handling and egress, and ends it in exactly one
 * counted {@link io.lwtemu.node.forward.Outcome}. Plain Java, no actors: the router actor wraps it.
 */
package io.lwtemu.node.forward;
