package io.karst.tunnel.mux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.Executor;

/**
 * Carries one session between a TCP socket and a tunnel stream, both ways: the server's relay on one end (the API
 * server's connection), the agent's dial on the other (the runtime's streaming server).
 */
public final class SocketBridge {
    private SocketBridge() {
    }

    /**
     * Copies the socket's input into the stream until the socket's peer ends it, while a thread of
     * {@code threads} copies the stream into the socket and then half-closes the socket, so each end sees the
     * other's end. Either side failing ends the copying quietly: the caller closes both afterwards.
     */
    public static void bridge(Socket socket, TunnelStream stream, Executor threads) {
        threads.execute(() -> {
            try {
                pump(stream.input(), socket.getOutputStream());
                socket.shutdownOutput();
            } catch (IOException e) {
                // the session is over on one side; the caller's close ends the other
            }
        });
        try {
            pump(socket.getInputStream(), stream.output());
        } catch (IOException e) {
            // as above
        }
    }

    private static void pump(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }
}
