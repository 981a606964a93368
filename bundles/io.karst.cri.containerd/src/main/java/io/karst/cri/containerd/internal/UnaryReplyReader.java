package io.karst.cri.containerd.internal;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;

import io.karst.grpc.wire.GrpcHeaders;
import io.karst.grpc.wire.MalformedMessageException;
import io.karst.grpc.wire.MessageFraming;
import io.karst.grpc.wire.StatusCodes;
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
 * Reads the answer of one unary call on its HTTP/2 stream: the response headers, the message, the trailers with
 * {@code grpc-status} (or a trailers-only answer), or a reset. Completes {@code reply} with the message's bytes, or
 * exceptionally with a {@link GrpcStatusException}; runs on the connection's event loop.
 */
final class UnaryReplyReader extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<byte[]> reply;
    private final int maxMessageBytes;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private boolean headersSeen;

    UnaryReplyReader(CompletableFuture<byte[]> reply, int maxMessageBytes) {
        this.reply = reply;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (reply.isDone()) {
                return;
            }
            if (msg instanceof Http2HeadersFrame frame) {
                headers(ctx, frame.headers(), frame.isEndStream());
            } else if (msg instanceof Http2DataFrame frame) {
                ByteBuf content = frame.content();
                if (body.size() + content.readableBytes() > maxMessageBytes + 5L) {
                    fail(ctx, StatusCodes.RESOURCE_EXHAUSTED, "the response is larger than "
                            + maxMessageBytes + " bytes");
                    return;
                }
                content.readBytes(body, content.readableBytes());
                if (frame.isEndStream()) {
                    fail(ctx, StatusCodes.INTERNAL, "the runtime ended the stream without trailers");
                }
            } else if (msg instanceof Http2ResetFrame reset) {
                reset(reset.errorCode());
            }
        } catch (java.io.IOException impossible) {
            // ByteArrayOutputStream does not throw
            fail(ctx, StatusCodes.INTERNAL, impossible.toString());
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        // Netty hands a received RST_STREAM to the stream's channel as an event
        if (event instanceof Http2ResetFrame reset) {
            reset(reset.errorCode());
        }
        ctx.fireUserEventTriggered(event);
    }

    private void headers(ChannelHandlerContext ctx, Http2Headers headers, boolean endStream) {
        if (!headersSeen) {
            headersSeen = true;
            CharSequence status = headers.status();
            CharSequence contentType = headers.get("content-type");
            int http = status == null ? 0 : parse(status, 0);
            boolean grpc = contentType != null && contentType.toString().startsWith("application/grpc");
            if (http != 200 || !grpc) {
                fail(ctx, StatusCodes.forHttpStatus(http), "the runtime answered HTTP " + http + " with content-type "
                        + contentType + ", not gRPC");
                return;
            }
        }
        if (!endStream) {
            return;
        }
        CharSequence code = headers.get("grpc-status");
        if (code == null) {
            fail(ctx, StatusCodes.INTERNAL, "the runtime ended the call without a grpc-status");
            return;
        }
        int parsed = parse(code, -1);
        if (parsed < 0) {
            fail(ctx, StatusCodes.INTERNAL, "a malformed grpc-status: " + code);
            return;
        }
        if (parsed != 0) {
            CharSequence message = headers.get("grpc-message");
            reply.completeExceptionally(new GrpcStatusException(parsed,
                    message == null ? null : GrpcHeaders.decodeMessage(message.toString())));
            return;
        }
        try {
            // no grpc-accept-encoding was sent, so a compressed message is the runtime's error
            reply.complete(MessageFraming.unframe(body.toByteArray(), false));
        } catch (MalformedMessageException e) {
            reply.completeExceptionally(new GrpcStatusException(StatusCodes.INTERNAL, malformed(e.reason())));
        }
    }

    /** This client's words for a reply body that is not one message. */
    private static String malformed(MalformedMessageException.Reason reason) {
        return switch (reason) {
            case NO_MESSAGE -> "no response message in a unary call";
            case TRUNCATED -> "a truncated response message";
            case MORE_THAN_ONE -> "more than one response message in a unary call";
            case COMPRESSED, BAD_GZIP -> "a compressed response message, though no compression was accepted";
        };
    }

    private void reset(long errorCode) {
        Http2Error error = Http2Error.valueOf(errorCode);
        int code = error == Http2Error.REFUSED_STREAM ? StatusCodes.UNAVAILABLE
                : error == Http2Error.CANCEL ? StatusCodes.CANCELLED : StatusCodes.INTERNAL;
        reply.completeExceptionally(new GrpcStatusException(code, "the runtime reset the stream ("
                + (error == null ? errorCode : error.name()) + ")"));
    }

    private void fail(ChannelHandlerContext ctx, int code, String message) {
        reply.completeExceptionally(new GrpcStatusException(code, message));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // a no-op once the call has ended
        reply.completeExceptionally(new GrpcStatusException(StatusCodes.UNAVAILABLE,
                "the connection to the runtime closed before the call ended"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        reply.completeExceptionally(new GrpcStatusException(StatusCodes.UNAVAILABLE, cause.toString(), cause));
        ctx.close();
    }

    private static int parse(CharSequence number, int otherwise) {
        try {
            return Integer.parseInt(number.toString());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
