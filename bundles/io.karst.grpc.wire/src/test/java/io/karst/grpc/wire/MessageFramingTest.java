package io.karst.grpc.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;

import io.karst.grpc.wire.MalformedMessageException.Reason;

class MessageFramingTest {
    private static Reason reason(byte[] body, boolean gzip) {
        return assertThrows(MalformedMessageException.class, () -> MessageFraming.unframe(body, gzip)).reason();
    }

    @Test
    void aMessageIsPrefixedWithTheUncompressedFlagAndItsLength() {
        assertArrayEquals(new byte[] {0, 0, 0, 0, 2, 0x08, 1}, MessageFraming.frame(new byte[] {0x08, 1}));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0}, MessageFraming.frame(new byte[0]));
        byte[] big = MessageFraming.frame(new byte[0x010203]);
        assertArrayEquals(new byte[] {0, 0, 1, 2, 3}, java.util.Arrays.copyOf(big, 5));
    }

    @Test
    void unframeReadsWhatFrameWrote() throws MalformedMessageException {
        byte[] message = {0x0A, 2, 'd', 'b'};
        assertArrayEquals(message, MessageFraming.unframe(MessageFraming.frame(message), false));
        assertArrayEquals(new byte[0], MessageFraming.unframe(MessageFraming.frame(new byte[0]), false));
    }

    @Test
    void aBodyThatIsNotExactlyOneMessageIsMalformed() {
        assertEquals(Reason.NO_MESSAGE, reason(new byte[0], false));
        assertEquals(Reason.TRUNCATED, reason(new byte[] {0, 0, 0}, false));
        assertEquals(Reason.TRUNCATED, reason(new byte[] {0, 0, 0, 0, 3, 1, 2}, false));
        // a length of 2 GiB and more cannot be there
        assertEquals(Reason.TRUNCATED, reason(new byte[] {0, (byte) 0x80, 0, 0, 0, 1}, false));
        assertEquals(Reason.TRUNCATED, reason(new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xfe, 1}, false));
        assertEquals(Reason.MORE_THAN_ONE, reason(new byte[] {0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0}, false));
    }

    @Test
    void aCompressedMessageIsGunzippedOnlyWhereTheCallerAllowsIt() throws Exception {
        byte[] message = "SERVING".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] body = MessageFraming.frame(gzip(message));
        body[0] = 1;

        assertArrayEquals(message, MessageFraming.unframe(body, true));
        assertEquals(Reason.COMPRESSED, reason(body, false));
    }

    @Test
    void theBodyIsReadWholeBeforeItsCompressedFlagCounts() {
        assertEquals(Reason.TRUNCATED, reason(new byte[] {1, 0, 0, 0, 3, 1}, false));
        assertEquals(Reason.MORE_THAN_ONE, reason(new byte[] {1, 0, 0, 0, 0, 9}, false));
    }

    @Test
    void aMessageThatDoesNotGunzipSaysWhy() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> MessageFraming.unframe(new byte[] {1, 0, 0, 0, 2, 'n', 'o'}, true));
        assertEquals(Reason.BAD_GZIP, e.reason());
        assertEquals("Not in GZIP format", e.getCause().getMessage());
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }
}
