package io.lwtemu.node.serialization;

import akka.actor.typed.ActorRef;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Kryo class resolution with one twist: every implementation of a typed {@link ActorRef} (local adapter,
 * remote, dead letters, test probes) uses the single registration of the {@code ActorRef} interface, since
 * the wire form is the path and the concrete class is the receiving system's business.
 */
final class ControlClassResolver extends DefaultClassResolver {
    @Override
    public Registration getRegistration(Class type) {
        Registration r = super.getRegistration(type);
        if (r == null && type != null && ActorRef.class.isAssignableFrom(type)) {
            r = super.getRegistration(ActorRef.class);
        }
        return r;
    }
}
