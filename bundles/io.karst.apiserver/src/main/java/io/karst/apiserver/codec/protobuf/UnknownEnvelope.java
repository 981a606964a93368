package io.karst.apiserver.codec.protobuf;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * One object in the Kubernetes protobuf media type: the 4-byte magic {@code k8s\0} followed by a runtime.Unknown
 * message (typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3, contentType = 4) whose raw bytes are
 * the object's own message.
 */
public record UnknownEnvelope(String apiVersion, String kind, byte[] raw, String contentEncoding, String contentType) {

    /** The prefix upstream's protobuf serializer writes before every object and checks on every read. */
    static final byte[] MAGIC = {0x6b, 0x38, 0x73, 0x00};

    private static final int TYPE_META = 1;
    private static final int RAW = 2;
    private static final int CONTENT_ENCODING = 3;
    private static final int CONTENT_TYPE = 4;
    private static final int API_VERSION = 1;
    private static final int KIND = 2;

    public UnknownEnvelope {
        apiVersion = apiVersion == null ? "" : apiVersion;
        kind = kind == null ? "" : kind;
        raw = raw == null ? new byte[0] : raw.clone();
        contentEncoding = contentEncoding == null ? "" : contentEncoding;
        contentType = contentType == null ? "" : contentType;
    }

    /** The envelope upstream writes around an object: type meta and raw bytes, no encoding or content type. */
    public static UnknownEnvelope of(String apiVersion, String kind, byte[] raw) {
        return new UnknownEnvelope(apiVersion, kind, raw, "", "");
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    /**
     * The bytes on the wire. Like upstream's generated marshaller, every field is written even when empty, so a
     * client comparing bytes sees the same envelope.
     */
    public byte[] encode() {
        try {
            ByteArrayOutputStream typeMetaBytes = new ByteArrayOutputStream();
            CodedOutputStream typeMeta = CodedOutputStream.newInstance(typeMetaBytes);
            typeMeta.writeString(API_VERSION, apiVersion);
            typeMeta.writeString(KIND, kind);
            typeMeta.flush();

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write(MAGIC);
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeByteArray(TYPE_META, typeMetaBytes.toByteArray());
            out.writeByteArray(RAW, raw);
            out.writeString(CONTENT_ENCODING, contentEncoding);
            out.writeString(CONTENT_TYPE, contentType);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    /**
     * Reads an envelope; fields this version does not know are skipped, as protobuf readers must.
     *
     * @throws MalformedProtobufException when the magic prefix is missing or the message is not valid protobuf
     */
    public static UnknownEnvelope decode(byte[] body) {
        if (body == null || body.length < MAGIC.length || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new MalformedProtobufException("provided data does not appear to be a protobuf message, expected prefix "
                    + Arrays.toString(MAGIC));
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(body, MAGIC.length, body.length - MAGIC.length);
            String apiVersion = "";
            String kind = "";
            byte[] raw = new byte[0];
            String contentEncoding = "";
            String contentType = "";
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case TYPE_META -> {
                        CodedInputStream typeMeta = in.readBytes().newCodedInput();
                        for (int t = typeMeta.readTag(); t != 0; t = typeMeta.readTag()) {
                            switch (WireFormat.getTagFieldNumber(t)) {
                                case API_VERSION -> apiVersion = typeMeta.readStringRequireUtf8();
                                case KIND -> kind = typeMeta.readStringRequireUtf8();
                                default -> typeMeta.skipField(t);
                            }
                        }
                    }
                    case RAW -> raw = in.readByteArray();
                    case CONTENT_ENCODING -> contentEncoding = in.readStringRequireUtf8();
                    case CONTENT_TYPE -> contentType = in.readStringRequireUtf8();
                    default -> in.skipField(tag);
                }
            }
            return new UnknownEnvelope(apiVersion, kind, raw, contentEncoding, contentType);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedProtobufException("malformed protobuf envelope: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading from memory cannot fail", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UnknownEnvelope that && apiVersion.equals(that.apiVersion) && kind.equals(that.kind)
                && Arrays.equals(raw, that.raw) && contentEncoding.equals(that.contentEncoding)
                && contentType.equals(that.contentType);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * apiVersion.hashCode() + kind.hashCode()) + Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "UnknownEnvelope[" + apiVersion + " " + kind + ", " + raw.length + " raw bytes]";
    }
}
