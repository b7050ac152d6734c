package io.lwtemu.node.cluster;

import akka.actor.typed.ActorRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where every router of a cluster run is: its actor, its incarnation (raised each time it is started again, so
 * messages of an earlier one are recognised and ignored), the member hosting it and its state.
 */
final class RouterTable {

    enum State {
        /** Told to start (again), not yet answered with Hello. */
        STARTING,
        RUNNING,
        /** Its member is gone or it was moved off it; waiting for the recovery census. */
        LOST,
        /** Explicitly placed on a member that is not there: its links are down. */
        DOWN
    }

    private final int n;
    private final ActorRef<RouterEntity.Command>[] ref;
    private final int[] inc;
    private final String[] memberOf;
    private final State[] state;

    @SuppressWarnings("unchecked")
    RouterTable(int n) {
        this.n = n;
        this.ref = new ActorRef[n];
        this.inc = new int[n];
        this.memberOf = new String[n];
        this.state = new State[n];
        Arrays.fill(state, State.STARTING);
    }

    int size() {
        return n;
    }

    State state(int i) {
        return state[i];
    }

    boolean running(int i) {
        return state[i] == State.RUNNING;
    }

    ActorRef<RouterEntity.Command> ref(int i) {
        return ref[i];
    }

    int incarnation(int i) {
        return inc[i];
    }

    /** The member's address, or null while not known (placed by sharding, not yet started) or down. */
    String member(int i) {
        return memberOf[i];
    }

    /** Routers of the run on the member at {@code address} (running or starting there). */
    int hostedOn(String address) {
        int c = 0;
        for (int j = 0; j < n; j++) {
            if (address.equals(memberOf[j]) && (state[j] == State.RUNNING || state[j] == State.STARTING)) {
                c++;
            }
        }
        return c;
    }

    /** Begins the next incarnation of router {@code i}. */
    void nextIncarnation(int i) {
        inc[i]++;
    }

    /** Told to start on {@code member} (null: wherever Cluster Sharding puts it). */
    void starting(int i, String member) {
        memberOf[i] = member;
        state[i] = State.STARTING;
    }

    void started(int i, ActorRef<RouterEntity.Command> actor, String member) {
        ref[i] = actor;
        memberOf[i] = member;
        state[i] = State.RUNNING;
    }

    void lost(int i) {
        state[i] = State.LOST;
    }

    void down(int i) {
        state[i] = State.DOWN;
        memberOf[i] = null;
    }

    /** Tells every running router {@code message} (directly, not through its member's ticker). */
    void tellRunning(RouterEntity.Command message) {
        for (int i = 0; i < n; i++) {
            if (state[i] == State.RUNNING) {
                ref[i].tell(message);
            }
        }
    }

    /** Every router's actor and incarnation as the routers need them; the others are nobody, incarnation -1. */
    RouterEntity.Peers peers(ActorRef<RouterEntity.Command> nobody) {
        List<ActorRef<RouterEntity.Command>> refs = new ArrayList<>(n);
        int[] incs = new int[n];
        for (int i = 0; i < n; i++) {
            boolean up = state[i] == State.RUNNING;
            refs.add(up ? ref[i] : nobody);
            incs[i] = up ? inc[i] : -1;
        }
        return new RouterEntity.Peers(List.copyOf(refs), incs);
    }
}
