/**
 * Faults an experiment injects into a running network: their one-line commands ({@link
 * io.lwtemu.node.fault.FaultParser}, words of ip, bpftool, tc netem and Jepsen), and the {@link
 * io.lwtemu.node.fault.FaultInjector} that applies and heals them between ticks, so each packet sees the network
 * before or after a change, on either engine. Member kills and partitions go through {@link
 * io.lwtemu.node.fault.ClusterFaults}, which the cluster layer implements.
 */
package io.lwtemu.node.fault;
