package io.karst.apiserver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.karst.apiserver.table.MediaTypeChoice.Conversion;

class AcceptHeaderTest {
    private static final List<String> SERVED = List.of("application/json", "application/yaml",
            "application/vnd.kubernetes.protobuf");

    private static MediaTypeChoice negotiate(String header) {
        return AcceptHeader.negotiate(header, SERVED, true);
    }

    @Test
    void kubectlGetHeaderChoosesTheV1Table() {
        MediaTypeChoice choice = negotiate("application/json;as=Table;v=v1;g=meta.k8s.io,"
                + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");
        assertEquals(new MediaTypeChoice("application/json", Conversion.TABLE, "meta.k8s.io/v1", false, ""), choice);
    }

    @Test
    void missingOrWildcardHeaderGivesPlainJson() {
        assertEquals(Conversion.NONE, negotiate(null).conversion());
        assertEquals("application/json", negotiate("").mediaType());
        assertEquals("application/json", negotiate("*/*").mediaType());
        assertEquals("application/yaml", negotiate("application/yaml").mediaType());
    }

    @Test
    void tableWithoutGroupAndVersionAloneIsNotAcceptable() {
        ConversionException e = assertThrows(ConversionException.class,
                () -> negotiate("application/json;as=Table"));
        assertEquals(406, e.code());
        assertEquals("NotAcceptable", e.reason());
        assertEquals("only the following media types are accepted: application/json, application/yaml, "
                + "application/vnd.kubernetes.protobuf", e.getMessage());
    }

    @Test
    void unsupportedConversionFallsBackToTheNextRange() {
        assertEquals(Conversion.NONE,
                negotiate("application/json;as=Table;v=v1alpha1;g=meta.k8s.io, application/json").conversion());
        assertEquals(Conversion.NONE,
                negotiate("application/json;as=Frobnicate;v=v1;g=meta.k8s.io,application/json").conversion());
        assertThrows(ConversionException.class,
                () -> negotiate("application/json;as=Table;v=v1alpha1;g=meta.k8s.io"));
    }

    @Test
    void tablesAreJsonOrYamlOnly() {
        MediaTypeChoice choice = negotiate("application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,"
                + "application/yaml;as=Table;v=v1beta1;g=meta.k8s.io");
        assertEquals(new MediaTypeChoice("application/yaml", Conversion.TABLE, "meta.k8s.io/v1beta1", false, ""),
                choice);
        assertThrows(ConversionException.class, () -> AcceptHeader.negotiate(
                "application/json;as=Table;v=v1;g=meta.k8s.io", SERVED, false));
    }

    @Test
    void partialObjectMetadataIsOfferedInEveryServedType() {
        MediaTypeChoice choice = negotiate("application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;"
                + "g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json");
        assertEquals(new MediaTypeChoice("application/vnd.kubernetes.protobuf",
                Conversion.PARTIAL_OBJECT_METADATA_LIST, "meta.k8s.io/v1", false, ""), choice);
        assertEquals(Conversion.PARTIAL_OBJECT_METADATA,
                negotiate("application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1").conversion());
    }

    @Test
    void qualityOrdersRangesAndSpecificBeatsWildcard() {
        assertEquals("application/yaml", negotiate("application/json;q=0.5, application/yaml").mediaType());
        assertEquals(Conversion.TABLE,
                negotiate("application/json;q=0.9,application/json;as=Table;v=v1;g=meta.k8s.io").conversion());
        assertEquals("application/yaml", negotiate("*/*, application/yaml").mediaType());
        // an unparseable quality is 0, which still matches when nothing better does
        assertEquals("application/json", negotiate("application/json;q=high").mediaType());
        List<AcceptHeader.MediaRange> ranges = AcceptHeader.parse("text/*;q=0.3, text/html;q=0.7, */*;q=0.5, text/plain");
        assertEquals(List.of("text/plain", "text/html", "*/*", "text/*"),
                ranges.stream().map(r -> r.type() + "/" + r.subType()).toList());
    }

    @Test
    void prettyAndStreamParametersAreKept() {
        MediaTypeChoice choice = negotiate("application/json;stream=watch;pretty=1");
        assertTrue(choice.pretty());
        assertEquals("watch", choice.stream());
        // YAML has no watch framing
        assertEquals("application/json", negotiate("application/yaml;stream=watch, application/json").mediaType());
    }

    @Test
    void unknownMediaTypeIsNotAcceptable() {
        assertThrows(ConversionException.class, () -> negotiate("text/html, image/png"));
    }
}
