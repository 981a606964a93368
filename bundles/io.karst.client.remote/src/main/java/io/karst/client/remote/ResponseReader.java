package io.karst.client.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Reads one answer on its HTTP/2 stream: the status from the headers (after any 1xx), the body from the DATA
 * frames, trailers ignored; completes {@code response} when the stream ends, or with an IOException when it is
 * reset or its connection closes first. Runs on the connection's event loop; the frames it reads are acknowledged
 * to the server's flow control by Netty's stream channel.
 */
class ResponseReader extends ChannelInboundHandlerAdapter {
    private final URI uri;
    private final CompletableFuture<ApiResponse> response;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status = -1;

    ResponseReader(URI uri, CompletableFuture<ApiResponse> response) {
        this.uri = uri;
        this.response = response;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame frame) {
                if (status < 0) {
                    status = status(frame.headers());
                    if (status / 100 == 1) {
                        status = -1;
                        return;
                    }
                    headersRead(ctx, status);
                }
                if (frame.isEndStream()) {
                    ended();
                }
            } else if (msg instanceof Http2DataFrame frame) {
                data(ctx, frame.content());
                if (frame.isEndStream()) {
                    ended();
                }
            } else if (msg instanceof Http2ResetFrame reset) {
                reset(reset.errorCode());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** After the final status: a watch starts passing its body on here. */
    void headersRead(ChannelHandlerContext ctx, int code) {
    }

    /** A DATA frame's bytes, before the frame is released. */
    void data(ChannelHandlerContext ctx, ByteBuf content) {
        try {
            content.readBytes(body, content.readableBytes());
        } catch (IOException impossible) {
            // ByteArrayOutputStream does not throw
            throw new IllegalStateException(impossible);
        }
    }

    int status() {
        return status;
    }

    CompletableFuture<ApiResponse> response() {
        return response;
    }

    URI uriOf() {
        return uri;
    }

    private void ended() {
        response.complete(new ApiResponse(uri, status, body.toByteArray()));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        // Netty hands a received RST_STREAM to the stream's channel as an event
        if (event instanceof Http2ResetFrame reset) {
            reset(reset.errorCode());
        }
        ctx.fireUserEventTriggered(event);
    }

    private void reset(long errorCode) {
        Http2Error error = Http2Error.valueOf(errorCode);
        response.completeExceptionally(new IOException("the API server reset the stream of " + uri + " ("
                + (error == null ? errorCode : error.name()) + ")"));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closedEarly();
        ctx.fireChannelInactive();
    }

    /** The stream closed: a no-op once the answer was read. */
    void closedEarly() {
        response.completeExceptionally(new IOException("the stream closed before the whole answer to " + uri));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        response.completeExceptionally(cause instanceof IOException io ? io : new IOException(cause.toString(), cause));
        ctx.close();
    }

    private static int status(Http2Headers headers) {
        CharSequence status = headers.status();
        try {
            return status == null ? 0 : Integer.parseInt(status.toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
