package io.lwtemu.node.fault;

import java.util.List;

/**
 * One thing the fault timeline did at an emulated time: a fault injected or healed, or a step of one (a flap's
 * down/up). {@code targets} are the links ("r1:eth1"), nodes or members it touched, so reports can mark them.
 * {@code ok} is false when the network refused the change (then {@code message} says why, as the tool would).
 */
public record FaultEvent(long atNs, String action, String fault, List<String> targets, boolean ok, String message) {
}
