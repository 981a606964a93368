package io.karst.client.remote;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslHandler;

/**
 * The pipeline of a connection to an API server: TLS with the JDK's engine from the client's {@link SSLContext}
 * (its client certificate, the CAs it trusts, the server's name or address checked against its certificate as the
 * JDK's HTTP client did), offering only {@code h2} by ALPN; {@link ApiConnectionHandler} adds HTTP/2 once the
 * handshake has chosen it.
 */
final class ApiConnectionInitializer extends ChannelInitializer<Channel> {
    static final String H2 = "h2";

    private final SSLContext tls;
    private final URI server;
    private final String host;
    private final CompletableFuture<Channel> ready;
    private final Runnable retire;

    /**
     * @param ready completed with the channel once the server's HTTP/2 settings came, or with an IOException
     * @param retire told when the connection takes no more streams (closed, or GOAWAY)
     */
    ApiConnectionInitializer(SSLContext tls, URI server, String host, CompletableFuture<Channel> ready,
            Runnable retire) {
        this.tls = tls;
        this.server = server;
        this.host = host;
        this.ready = ready;
        this.retire = retire;
    }

    @Override
    protected void initChannel(Channel channel) {
        SSLEngine engine = tls.createSSLEngine(host, server.getPort());
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setApplicationProtocols(new String[] {H2});
        engine.setSSLParameters(parameters);
        SslHandler ssl = new SslHandler(engine);
        ssl.setHandshakeTimeoutMillis(ServerConnections.CONNECT_TIMEOUT.toMillis());
        channel.pipeline().addLast("tls", ssl);
        channel.pipeline().addLast("connection", new ApiConnectionHandler(server, engine, ready, retire));
    }
}
