package io.lwtemu.node.serialization;

import akka.actor.NoSerializationVerificationNeeded;

/**
 * Marker of messages that carry live JVM objects (Java lambdas such as {@code Consumer<Router>}) and so can only
 * be sent within one actor system. Bound to {@link LocalOnlySerializer}, which refuses them with a clear error
 * if one is ever sent to another member, instead of Akka trying Java serialization. Extends Akka's
 * {@link NoSerializationVerificationNeeded} so {@code akka.actor.serialize-messages = on} (tests) skips them.
 */
public interface LocalOnlyMessage extends NoSerializationVerificationNeeded {}
