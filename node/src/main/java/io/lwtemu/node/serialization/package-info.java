/**
 * How lwtemu's actor messages cross JVMs, with Java serialization off everywhere
 * ({@code akka.actor.allow-java-serialization = off}; bindings in {@code lwtemu-node.conf}):
 *
 * <ul>
 *   <li>Data plane: {@link io.lwtemu.node.serialization.PacketSerializer} (id 7301), protobuf {@code Packet},
 *       {@code PacketBatch} and {@code RouterActor.Deliver}, written into and read from Artery's buffers.</li>
 *   <li>Control plane and state: {@link io.lwtemu.node.serialization.ControlSerializer} (id 7302), Kryo 5 with
 *       registration required, for every {@link io.lwtemu.node.serialization.ControlMessage}; ids fixed in
 *       {@link io.lwtemu.node.serialization.ControlRegistry}. {@link io.lwtemu.node.serialization.RouterSnapshot}
 *       carries a router's pinned BPF maps.</li>
 *   <li>Messages with Java lambdas implement {@link io.lwtemu.node.serialization.LocalOnlyMessage} and are refused
 *       by {@link io.lwtemu.node.serialization.LocalOnlySerializer} (id 7303) if sent to another member.</li>
 * </ul>
 */
package io.lwtemu.node.serialization;
