package io.lwtemu.node.fault;

/**
 * Network partitions between cluster members, named after Jepsen's nemeses. All but {@link #ONE_WAY} cut both
 * directions.
 */
public enum PartitionKind {
    /** Members in order, cut into two halves (Jepsen partition-halves). */
    HALVES("halves"),
    /** A seeded shuffle, then halves (partition-random-halves). */
    RANDOM_HALVES("random-halves"),
    /** A random majority and the minority it cannot reach (the larger side keeps quorum). */
    MAJORITY("majority"),
    /** One random member alone (partition-random-node). */
    ISOLATE("isolate"),
    /** Two halves that only one bridge member can reach both of (Jepsen bridge). */
    BRIDGE("bridge"),
    /** Every member sees a majority, no two agree which (partition-majorities-ring). */
    RING("ring"),
    /** Packets from the {@code from} members to the {@code to} members are dropped; the reverse flows. */
    ONE_WAY("one-way"),
    /** Explicit groups: {@code from} and {@code to} cannot reach each other. */
    GROUPS("groups"),
    /** Ends every partition. */
    HEAL("heal");

    public final String word;

    PartitionKind(String word) {
        this.word = word;
    }

    public static PartitionKind of(String word) {
        for (PartitionKind k : values()) {
            if (k.word.equals(word)) {
                return k;
            }
        }
        return null;
    }

    public static String words() {
        StringBuilder sb = new StringBuilder();
        for (PartitionKind k : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(k.word);
        }
        return sb.toString();
    }
}
