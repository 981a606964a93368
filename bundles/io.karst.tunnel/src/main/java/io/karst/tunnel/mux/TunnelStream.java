package io.karst.tunnel.mux;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * One stream of a {@link Multiplexer}: an input of what the far end sends and an output to it, each direction
 * held back by a window, so a slow reader at either end stops its writer instead of filling memory. Closing ends
 * both directions; the far end's close (or error) ends the input after what was already received.
 */
public final class TunnelStream implements Closeable {
    /** Bytes a writer may send ahead of what its reader consumed. */
    static final int WINDOW = 256 * 1024;
    /** The most bytes one DATA message carries. */
    static final int CHUNK = 32 * 1024;

    private final int id;
    private final Multiplexer mux;
    private final ArrayDeque<ByteBuffer> received = new ArrayDeque<>();
    private int consumedUnreported;
    private int credit = WINDOW;
    private boolean closedHere;
    private boolean closedThere;
    private TunnelError error;
    private final InputStream input = new Input();
    private final OutputStream output = new Output();

    TunnelStream(int id, Multiplexer mux) {
        this.id = id;
        this.mux = mux;
    }

    int id() {
        return id;
    }

    /** What the far end sends; ends (-1) when it closes, or throws its {@link TunnelError}. */
    public InputStream input() {
        return input;
    }

    /** To the far end; blocks while its window is used up; throws once either end closed the stream. */
    public OutputStream output() {
        return output;
    }

    /** Ends the stream in both directions; the far end's input ends. Idempotent. */
    @Override
    public void close() {
        end(null);
    }

    /** Ends the stream with an error the far end's input throws as a {@link TunnelError}. */
    public void fail(String reason, String message) {
        end(Multiplexer.errorPayload(reason, message));
    }

    private void end(byte[] errorPayload) {
        boolean send;
        synchronized (this) {
            send = !closedHere;
            closedHere = true;
            notifyAll();
        }
        if (send) {
            mux.sendClose(this, errorPayload == null ? new byte[0] : errorPayload);
        }
    }

    // called by the multiplexer on the link's receiving thread: never block

    synchronized void received(ByteBuffer data) {
        if (!closedHere && data.hasRemaining()) {
            received.add(data);
            notifyAll();
        }
    }

    synchronized void granted(int bytes) {
        credit += bytes;
        notifyAll();
    }

    /** @return whether this end must answer with its own CLOSE */
    synchronized boolean closedByPeer(TunnelError cause) {
        closedThere = true;
        if (error == null) {
            error = cause;
        }
        notifyAll();
        return !closedHere;
    }

    synchronized boolean isClosedHere() {
        return closedHere;
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n;
            int report = 0;
            synchronized (TunnelStream.this) {
                while (received.isEmpty() && !closedThere && !closedHere) {
                    waitInterruptibly();
                }
                if (received.isEmpty()) {
                    if (error != null && !closedHere) {
                        throw error;
                    }
                    return -1;
                }
                ByteBuffer head = received.peek();
                n = Math.min(len, head.remaining());
                head.get(b, off, n);
                if (!head.hasRemaining()) {
                    received.poll();
                }
                consumedUnreported += n;
                if (consumedUnreported >= WINDOW / 2 && !closedHere && !closedThere) {
                    report = consumedUnreported;
                    consumedUnreported = 0;
                }
            }
            if (report > 0) {
                mux.sendWindow(TunnelStream.this, report);
            }
            return n;
        }

        @Override
        public void close() {
            TunnelStream.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n;
                synchronized (TunnelStream.this) {
                    while (credit == 0 && !closedHere && !closedThere) {
                        waitInterruptibly();
                    }
                    if (closedHere || closedThere) {
                        throw error != null ? error : new IOException("tunnel stream " + id + " is closed");
                    }
                    n = Math.min(Math.min(len, credit), CHUNK);
                    credit -= n;
                }
                mux.sendData(TunnelStream.this, b, off, n);
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() {
            TunnelStream.this.close();
        }
    }

    private void waitInterruptibly() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted on tunnel stream " + id);
        }
    }
}
