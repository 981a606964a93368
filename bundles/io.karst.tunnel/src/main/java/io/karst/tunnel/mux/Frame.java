package io.karst.tunnel.mux;

import java.nio.ByteBuffer;

/**
 * One message of the tunnel: a type byte, the stream id (4 bytes, big-endian) and the payload. OPEN carries the
 * request as JSON, DATA bytes of the stream, WINDOW the count of bytes the receiver consumed (4 bytes), CLOSE
 * nothing for an ordinary end or a JSON error ({@code reason}, {@code message}).
 */
record Frame(byte type, int stream, ByteBuffer payload) {
    static final byte OPEN = 1;
    static final byte DATA = 2;
    static final byte WINDOW = 3;
    static final byte CLOSE = 4;
    private static final int HEADER = 5;

    static ByteBuffer encode(byte type, int stream, byte[] payload, int offset, int length) {
        ByteBuffer message = ByteBuffer.allocate(HEADER + length);
        message.put(type).putInt(stream).put(payload, offset, length);
        return message.flip();
    }

    static ByteBuffer encode(byte type, int stream, byte[] payload) {
        return encode(type, stream, payload, 0, payload.length);
    }

    static ByteBuffer window(int stream, int consumed) {
        return ByteBuffer.allocate(HEADER + 4).put(WINDOW).putInt(stream).putInt(consumed).flip();
    }

    /** @throws IllegalArgumentException when the message is shorter than a header */
    static Frame decode(ByteBuffer message) {
        if (message.remaining() < HEADER) {
            throw new IllegalArgumentException("tunnel message of " + message.remaining() + " bytes has no header");
        }
        byte type = message.get();
        int stream = message.getInt();
        return new Frame(type, stream, message.slice());
    }
}
