package io.lwtemu.node.fault;

import io.lwtemu.node.net.Link;
import io.lwtemu.node.net.Port;
import java.util.List;

/**
 * Runtime netem-style impairments of links, for {@code link impair} faults. Implemented over the link models of
 * {@code io.lwtemu.node.impair}; a build without them refuses such scenarios before running.
 */
public interface LinkImpairments {
    /**
     * Sets (replaces) the impairment of the direction leaving {@code from} (both directions when {@code both});
     * {@code netem} are {@code tc ... netem} words, or the single word {@code clear}. Returns what undoes it
     * (restores the previous impairment). Throws IllegalArgumentException with netem's message on bad words.
     */
    Runnable apply(Link link, Port from, boolean both, List<String> netem);

    /** Parses {@code netem} without applying, for errors before the run. */
    void check(List<String> netem);
}
