package io.karst.apiserver;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Writes watch frames so that one connection is flushed once per burst instead of once per frame. An event fanned
 * out to the 100 watches of one HTTP/2 connection then costs a few TLS records and syscalls rather than 100 of
 * each — per-frame flushing is what made watch latency grow with the number of watchers.
 *
 * <p>Everything runs on the connection's event loop (an HTTP/2 stream shares its parent's), so the pending flag
 * needs no synchronisation, and a write that runs after a scheduled flush has run schedules the next one: no
 * frame is left unflushed.
 */
final class CoalescedFlush {
    private static final AttributeKey<CoalescedFlush> KEY = AttributeKey.valueOf("karst.coalesced-flush");

    private final Channel connection;
    private boolean scheduled;

    private CoalescedFlush(Channel connection) {
        this.connection = connection;
    }

    /** Queues {@code message} on {@code channel} and makes sure its connection is flushed soon after. */
    static void write(Channel channel, Object message, Runnable written) {
        Channel connection = HttpsServerInitializer.connection(channel);
        channel.eventLoop().execute(() -> {
            channel.write(message).addListener(f -> written.run());
            CoalescedFlush flush = connection.attr(KEY).get();
            if (flush == null) {
                flush = new CoalescedFlush(connection);
                connection.attr(KEY).set(flush);
            }
            flush.request();
        });
    }

    private void request() {
        if (!scheduled) {
            scheduled = true;
            connection.eventLoop().execute(() -> {
                scheduled = false;
                connection.flush();
            });
        }
    }
}
