package io.karst.api.tunnel;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One open tunnel WebSocket as its transport provides it: binary messages in order, both ways. The transport does
 * not hold back a fast sender: whoever multiplexes over the link bounds what is in flight (a window per stream).
 */
@ProviderType
public interface TunnelLink {

    /** Sends one binary message after those sent before; never blocks. Dropped once the link is closed. */
    void send(ByteBuffer message);

    /** Closes the link; the receiver then gets {@link Receiver#closed}. Idempotent. */
    void close();

    /** The peer's address, for logs. */
    String remoteAddress();

    /** Receives one link's messages; calls never overlap and must not block for long. */
    @ConsumerType
    interface Receiver {
        void message(ByteBuffer message);

        /** The link is gone (either side closed it or the connection broke); called exactly once. */
        void closed();
    }
}
