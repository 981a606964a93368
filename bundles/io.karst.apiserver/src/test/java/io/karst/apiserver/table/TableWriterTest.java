package io.karst.apiserver.table;

import static io.karst.apiserver.table.Json.NOW;
import static io.karst.apiserver.table.Json.ago;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

class TableWriterTest {
    private static final String CONFIGMAPS = """
            {"kind":"ConfigMapList","apiVersion":"v1",
             "metadata":{"resourceVersion":"4711","continue":"eyJydiI6NDcxMX0","remainingItemCount":3},
             "items":[{"metadata":{"name":"a","namespace":"default","uid":"u-a","resourceVersion":"40",
                 "creationTimestamp":"%s","labels":{"x":"y"}},"data":{"k":"v"}},
               {"metadata":{"name":"b","namespace":"default","uid":"u-b","resourceVersion":"41",
                 "creationTimestamp":"%s"}}]}""".formatted(ago(30), ago(7200));

    @Test
    void listTableCarriesListMetaColumnsAndOneRowPerItemWithPartialMetadata() {
        ObjectNode table = TableWriter.table(TablePrinters.forResource("", "configmaps"), Json.parse(CONFIGMAPS),
                IncludeObject.METADATA, true, "meta.k8s.io/v1", NOW);
        String nameDescription = ColumnDescriptions.of("ObjectMeta.name");
        String ageDescription = ColumnDescriptions.of("ObjectMeta.creationTimestamp");
        assertEquals(Json.parse("""
                {"kind":"Table","apiVersion":"meta.k8s.io/v1",
                 "metadata":{"resourceVersion":"4711","continue":"eyJydiI6NDcxMX0","remainingItemCount":3},
                 "columnDefinitions":[
                   {"name":"Name","type":"string","format":"name","description":%s,"priority":0},
                   {"name":"Data","type":"string","format":"","description":%s,"priority":0},
                   {"name":"Age","type":"string","format":"","description":%s,"priority":0}],
                 "rows":[
                   {"cells":["a",1,"30s"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
                     "metadata":{"name":"a","namespace":"default","uid":"u-a","resourceVersion":"40",
                       "creationTimestamp":"%s","labels":{"x":"y"}}}},
                   {"cells":["b",0,"120m"],"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
                     "metadata":{"name":"b","namespace":"default","uid":"u-b","resourceVersion":"41",
                       "creationTimestamp":"%s"}}}]}""".formatted(quote(nameDescription),
                quote(ColumnDescriptions.of("ConfigMap.data")), quote(ageDescription), ago(30), ago(7200))),
                Json.parse(table.toString()));
        assertTrue(nameDescription.startsWith("Name must be unique within a namespace."));
        assertTrue(ageDescription.contains("UTC.\n\nPopulated by the system."));
    }

    @Test
    void includeObjectChoosesWholeObjectWithTypeOrNull() {
        ObjectNode whole = TableWriter.table(TablePrinters.forResource("", "configmaps"), Json.parse(CONFIGMAPS),
                IncludeObject.OBJECT, true, "meta.k8s.io/v1", NOW);
        ObjectNode first = (ObjectNode) whole.at("/rows/0/object");
        assertEquals("ConfigMap", first.get("kind").asText());
        assertEquals("v1", first.get("apiVersion").asText());
        assertEquals("v", first.at("/data/k").asText());
        ObjectNode none = TableWriter.table(TablePrinters.forResource("", "configmaps"), Json.parse(CONFIGMAPS),
                IncludeObject.NONE, true, "meta.k8s.io/v1", NOW);
        assertTrue(none.at("/rows/1").has("object"));
        assertTrue(none.at("/rows/1/object").isNull());
    }

    @Test
    void singleObjectTableTakesTheObjectsResourceVersionAndV1beta1() {
        ObjectNode table = TableWriter.table(TablePrinters.forResource("", "configmaps"),
                Json.parse("{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"c\",\"resourceVersion\":\"9\"}}"),
                IncludeObject.METADATA, true, "meta.k8s.io/v1beta1", NOW);
        assertEquals("meta.k8s.io/v1beta1", table.get("apiVersion").asText());
        assertEquals(Json.parse("{\"resourceVersion\":\"9\"}"), table.get("metadata"));
        assertEquals(1, table.get("rows").size());
        assertEquals("meta.k8s.io/v1beta1", table.at("/rows/0/object/apiVersion").asText());
    }

    @Test
    void emptyListHasEmptyRowsWithAPrinterAndNullRowsWithTheDefaultTable() {
        ObjectNode empty = Json.parse("{\"kind\":\"RoleList\",\"apiVersion\":\"rbac.authorization.k8s.io/v1\","
                + "\"metadata\":{\"resourceVersion\":\"5\"},\"items\":[]}");
        assertTrue(TableWriter.table(TablePrinters.forResource("", "pods"), empty, IncludeObject.METADATA, true,
                "meta.k8s.io/v1", NOW).get("rows").isArray());
        ObjectNode roles = TableWriter.table(TablePrinters.forResource("rbac.authorization.k8s.io", "roles"), empty,
                IncludeObject.METADATA, true, "meta.k8s.io/v1", NOW);
        assertTrue(roles.get("rows").isNull());
        assertEquals(2, roles.get("columnDefinitions").size());
    }

    @Test
    void finishedPodRowsCarryConditions() {
        ObjectNode table = TableWriter.table(TablePrinters.forResource("", "pods"), Json.parse("""
                {"kind":"Pod","apiVersion":"v1","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},
                 "status":{"phase":"Failed"}}"""), IncludeObject.NONE, true, "meta.k8s.io/v1", NOW);
        assertEquals("Failed", table.at("/rows/0/conditions/0/reason").asText());
        assertEquals(9, table.at("/rows/0/cells").size());
    }

    @Test
    void tableOfAnUnknownMetaVersionIsNotAcceptable() {
        ConversionException e = assertThrows(ConversionException.class, () -> TableWriter.table(
                TablePrinters.forResource("", "pods"), Json.parse("{}"), IncludeObject.NONE, true,
                "meta.k8s.io/v1alpha1", NOW));
        assertEquals(406, e.code());
        assertEquals("no Table exists in group version meta.k8s.io/v1alpha1", e.getMessage());
    }

    @Test
    void watchSendsColumnDefinitionsWithTheFirstEventOnlyAndStatusUnchanged() {
        TableWatch watch = new TableWatch(TablePrinters.forResource("", "namespaces"), IncludeObject.METADATA,
                "meta.k8s.io/v1");
        ObjectNode ns = Json.parse("{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"dev\","
                + "\"resourceVersion\":\"12\"},\"status\":{\"phase\":\"Active\"}}");
        ObjectNode first = watch.next(ns, NOW);
        assertEquals(3, first.get("columnDefinitions").size());
        ObjectNode second = watch.next(ns, NOW);
        assertTrue(second.has("columnDefinitions"));
        assertTrue(second.get("columnDefinitions").isNull());
        assertEquals("Active", second.at("/rows/0/cells/1").asText());
        ObjectNode status = Json.parse("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":410}");
        assertSame(status, watch.next(status, NOW));
    }

    @Test
    void includeObjectParsesUpstreamsValuesAndRejectsOthersWithItsMessage() {
        assertEquals(IncludeObject.METADATA, IncludeObject.parse(null));
        assertEquals(IncludeObject.METADATA, IncludeObject.parse(""));
        assertEquals(IncludeObject.NONE, IncludeObject.parse("None"));
        assertEquals(IncludeObject.OBJECT, IncludeObject.parse("Object"));
        ConversionException e = assertThrows(ConversionException.class, () -> IncludeObject.parse("object"));
        assertEquals(400, e.code());
        assertEquals("Unable to convert to Table as requested: includeObject: Unsupported value: \"object\": "
                + "supported values: \"Metadata\", \"None\", \"Object\"", e.getMessage());
    }

    @Test
    void partialObjectMetadataKeepsAllMetadataAndListMeta() {
        ObjectNode list = PartialObjectMetadata.ofList(Json.parse(CONFIGMAPS), "meta.k8s.io/v1");
        assertEquals("PartialObjectMetadataList", list.get("kind").asText());
        assertEquals(Json.parse("{\"resourceVersion\":\"4711\",\"continue\":\"eyJydiI6NDcxMX0\",\"remainingItemCount\":3}"),
                Json.parse(list.get("metadata").toString()));
        assertEquals("PartialObjectMetadata", list.at("/items/1/kind").asText());
        assertEquals("y", list.at("/items/0/metadata/labels/x").asText());
        assertFalse(list.at("/items/0").has("data"));
        ObjectNode one = PartialObjectMetadata.of(Json.parse("{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
                + "\"metadata\":{\"name\":\"p\"},\"spec\":{}}"), "meta.k8s.io/v1beta1");
        assertEquals(Json.parse("{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1beta1\","
                + "\"metadata\":{\"name\":\"p\"}}"), one);
        assertTrue(PartialObjectMetadata.ofList(Json.parse("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{},"
                + "\"items\":[]}"), "meta.k8s.io/v1").get("items").isNull());
    }

    @Test
    void partialObjectMetadataOfTheWrongShapeIsNotAcceptable() {
        ConversionException list = assertThrows(ConversionException.class, () -> PartialObjectMetadata.of(
                Json.parse("{\"kind\":\"DeploymentList\",\"apiVersion\":\"apps/v1\",\"items\":[]}"), "meta.k8s.io/v1"));
        assertEquals("you requested PartialObjectMetadata, but the requested object is a list (*apps.DeploymentList)",
                list.getMessage());
        ConversionException single = assertThrows(ConversionException.class, () -> PartialObjectMetadata.ofList(
                Json.parse("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{}}"), "meta.k8s.io/v1"));
        assertEquals("you requested PartialObjectMetadataList, but the requested object is not a list (*core.Pod)",
                single.getMessage());
        assertEquals(406, single.code());
    }

    private static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
    }
}
