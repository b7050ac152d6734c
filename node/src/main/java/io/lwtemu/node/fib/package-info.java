/**
 * The forwarding information base: prefixes, routes (with an opaque LWT {@code encap} slot), longest-prefix-match
 * tables, policy routing rules and {@link io.lwtemu.node.fib.Fib#fibLookup}, modelled on the kernel's
 * fib_rules_lookup / fib_table_lookup.
 */
package io.lwtemu.node.fib;
