package io.karst.grpc.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StatusCodesTest {
    @Test
    void namesInTheSpecificationsAndInGrpcGosSpelling() {
        assertEquals("OK", StatusCodes.name(StatusCodes.OK));
        assertEquals("CANCELLED", StatusCodes.name(StatusCodes.CANCELLED));
        assertEquals("UNAUTHENTICATED", StatusCodes.name(StatusCodes.UNAUTHENTICATED));
        assertEquals("CODE(17)", StatusCodes.name(17));
        assertEquals("OK", StatusCodes.goName(StatusCodes.OK));
        assertEquals("Canceled", StatusCodes.goName(StatusCodes.CANCELLED));
        assertEquals("NotFound", StatusCodes.goName(StatusCodes.NOT_FOUND));
        assertEquals("Unauthenticated", StatusCodes.goName(StatusCodes.UNAUTHENTICATED));
        assertEquals("Code(-1)", StatusCodes.goName(-1));
    }

    @Test
    void anHttpAnswerThatIsNotGrpcMapsAsGrpcClientsMapIt() {
        assertEquals(StatusCodes.INTERNAL, StatusCodes.forHttpStatus(400));
        assertEquals(StatusCodes.UNAUTHENTICATED, StatusCodes.forHttpStatus(401));
        assertEquals(StatusCodes.PERMISSION_DENIED, StatusCodes.forHttpStatus(403));
        assertEquals(StatusCodes.UNIMPLEMENTED, StatusCodes.forHttpStatus(404));
        assertEquals(StatusCodes.UNAVAILABLE, StatusCodes.forHttpStatus(429));
        assertEquals(StatusCodes.UNAVAILABLE, StatusCodes.forHttpStatus(503));
        assertEquals(StatusCodes.UNKNOWN, StatusCodes.forHttpStatus(200));
        assertEquals(StatusCodes.UNKNOWN, StatusCodes.forHttpStatus(500));
        assertEquals(StatusCodes.UNKNOWN, StatusCodes.forHttpStatus(0));
    }
}
