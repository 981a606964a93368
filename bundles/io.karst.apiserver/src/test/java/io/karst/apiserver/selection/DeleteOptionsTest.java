package io.karst.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class DeleteOptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INVALID = "DeleteOptions.meta.k8s.io \"\" is invalid: ";

    private static DeleteOptions body(String json) throws Exception {
        return DeleteOptions.parse(Map.of(), JSON.readTree(json));
    }

    private static RequestOptionsException bodyRefusal(String json) throws Exception {
        JsonNode node = JSON.readTree(json);
        return assertThrows(RequestOptionsException.class, () -> DeleteOptions.parse(Map.of(), node));
    }

    @Test
    void noBodyAndNoQueryMeansNoOptions() {
        DeleteOptions o = DeleteOptions.parse(Map.of(), null);
        assertEquals(OptionalLong.empty(), o.gracePeriodSeconds());
        assertEquals(Optional.empty(), o.requestedPropagation());
        assertFalse(o.isDryRun());
        assertEquals(Optional.empty(), o.preconditionUid());
    }

    @Test
    void queryParametersAreReadWhenThereIsNoBody() {
        DeleteOptions o = DeleteOptions.parse(Map.of("gracePeriodSeconds", List.of("0"),
                "propagationPolicy", List.of("Foreground"), "dryRun", List.of("All"), "uid", List.of("u-1"),
                "resourceVersion", List.of("9")), null);
        assertEquals(OptionalLong.of(0), o.gracePeriodSeconds());
        assertEquals(Optional.of(DeleteOptions.Propagation.FOREGROUND), o.requestedPropagation());
        assertTrue(o.isDryRun());
        assertEquals(Optional.of("u-1"), o.preconditionUid());
        assertEquals(Optional.of("9"), o.preconditionResourceVersion());
    }

    @Test
    void aBodyTakesPrecedenceAndTheQueryIsIgnored() throws Exception {
        DeleteOptions o = DeleteOptions.parse(Map.of("propagationPolicy", List.of("Nonsense")),
                JSON.readTree("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Orphan\","
                        + "\"gracePeriodSeconds\":30,\"preconditions\":{\"uid\":\"u\",\"resourceVersion\":\"3\"},"
                        + "\"dryRun\":[\"All\"]}"));
        assertEquals(Optional.of(DeleteOptions.Propagation.ORPHAN), o.requestedPropagation());
        assertEquals(OptionalLong.of(30), o.gracePeriodSeconds());
        assertEquals(Optional.of("u"), o.preconditionUid());
        assertEquals(Optional.of("3"), o.preconditionResourceVersion());
        assertEquals(List.of("All"), o.dryRun());
    }

    @Test
    void legacyOrphanDependentsMapsToOrphanOrBackground() throws Exception {
        assertEquals(Optional.of(DeleteOptions.Propagation.ORPHAN),
                body("{\"orphanDependents\":true}").requestedPropagation());
        assertEquals(Optional.of(DeleteOptions.Propagation.BACKGROUND),
                body("{\"orphanDependents\":false}").requestedPropagation());
        assertEquals(Optional.of(true), DeleteOptions.parse(Map.of("orphanDependents", List.of("")), null)
                .orphanDependents());
    }

    @Test
    void orphanDependentsAndPropagationPolicyTogetherAreInvalid() throws Exception {
        RequestOptionsException e = bodyRefusal("{\"orphanDependents\":false,\"propagationPolicy\":\"Background\"}");
        assertEquals(422, e.code());
        assertEquals(INVALID + "propagationPolicy: Invalid value: \"Background\": orphanDependents and "
                + "deletionPropagation cannot be both set", e.getMessage());
        assertEquals("DeleteOptions", e.details().orElseThrow().kind());
    }

    @Test
    void unknownPropagationPolicyListsTheSupportedOnes() {
        RequestOptionsException e = assertThrows(RequestOptionsException.class,
                () -> DeleteOptions.parse(Map.of("propagationPolicy", List.of("Cascade")), null));
        assertEquals(INVALID + "propagationPolicy: Unsupported value: \"Cascade\": supported values: "
                + "\"Foreground\", \"Background\", \"Orphan\", \"nil\"", e.getMessage());
    }

    @Test
    void dryRunAcceptsOnlyAll() {
        RequestOptionsException e = assertThrows(RequestOptionsException.class,
                () -> DeleteOptions.parse(Map.of("dryRun", List.of("All", "Server")), null));
        assertEquals(INVALID + "dryRun: Unsupported value: []string{\"All\", \"Server\"}: supported values: \"All\"",
                e.getMessage());
    }

    @Test
    void malformedValuesAreBadRequests() throws Exception {
        RequestOptionsException q = assertThrows(RequestOptionsException.class,
                () -> DeleteOptions.parse(Map.of("gracePeriodSeconds", List.of("soon")), null));
        assertEquals(400, q.code());
        assertEquals("strconv.ParseInt: parsing \"soon\": invalid syntax", q.getMessage());
        assertEquals("json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of type "
                + "int64", bodyRefusal("{\"gracePeriodSeconds\":\"5\"}").getMessage());
        assertEquals("json: cannot unmarshal number into Go struct field DeleteOptions.propagationPolicy of type "
                + "v1.DeletionPropagation", bodyRefusal("{\"propagationPolicy\":1}").getMessage());
        assertEquals("json: cannot unmarshal bool into Go struct field DeleteOptions.preconditions.uid of type "
                + "types.UID", bodyRefusal("{\"preconditions\":{\"uid\":true}}").getMessage());
        assertEquals("decoded object cannot be converted to DeleteOptions",
                bodyRefusal("{\"kind\":\"Pod\"}").getMessage());
        assertEquals(400, bodyRefusal("[]").code());
    }
}
