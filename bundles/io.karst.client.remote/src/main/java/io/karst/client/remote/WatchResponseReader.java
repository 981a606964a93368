package io.karst.client.remote;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Reads a watch's answer: a 200 completes the response at once (with no body) and its body is passed on as it
 * comes, to be cut into lines, and the stream's end is passed on as the watch's end; any other status is read whole
 * as a {@link ResponseReader} does, for the caller to throw.
 */
final class WatchResponseReader extends ResponseReader {
    private static final byte[] NONE = new byte[0];

    WatchResponseReader(URI uri, CompletableFuture<ApiResponse> response) {
        super(uri, response);
    }

    private boolean watching() {
        return status() == 200;
    }

    @Override
    void headersRead(ChannelHandlerContext ctx, int code) {
        if (code == 200) {
            response().complete(new ApiResponse(uriOf(), 200, NONE));
        }
    }

    @Override
    void data(ChannelHandlerContext ctx, ByteBuf content) {
        if (watching()) {
            ctx.fireChannelRead(content.retain());
        } else {
            super.data(ctx, content);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (watching()) {
            // the watch's end, however it came: the server's end of stream, a reset, the connection lost, a close
            ctx.fireChannelInactive();
        } else {
            // not a watch: the handlers after this one never hear of it
            closedEarly();
        }
    }
}
