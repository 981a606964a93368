package io.karst.apiserver.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class JsonPatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    @Test
    void rfc6902Operations() throws Exception {
        JsonNode doc = json("{'a':{'b':[1,2]},'c':'x'}");
        JsonNode patch = json("[{'op':'add','path':'/a/b/1','value':9},{'op':'remove','path':'/c'},"
                + "{'op':'copy','from':'/a/b','path':'/d'},{'op':'move','from':'/d','path':'/e'},"
                + "{'op':'replace','path':'/a/b/-','value':0},{'op':'test','path':'/e/0','value':1},"
                + "{'op':'add','path':'/a~1b','value':true}]");
        assertThrows(PatchException.class, () -> JsonPatch.apply(doc, patch), "/a/b/- is not an existing element");
        JsonNode ok = json("[{'op':'add','path':'/a/b/1','value':9},{'op':'remove','path':'/c'},"
                + "{'op':'copy','from':'/a/b','path':'/d'},{'op':'move','from':'/d','path':'/e'},"
                + "{'op':'add','path':'/a/b/-','value':0},{'op':'test','path':'/e/0','value':1},"
                + "{'op':'add','path':'/a~1b','value':true}]");
        assertEquals(json("{'a':{'b':[1,9,2,0]},'e':[1,9,2],'a/b':true}"), JsonPatch.apply(doc, ok));
        assertEquals(json("{'a':{'b':[1,2]},'c':'x'}"), doc, "the input is untouched");
    }

    @Test
    void failingTestAndMissingPathsThrow() throws Exception {
        JsonNode doc = json("{'a':1}");
        assertThrows(PatchException.class, () -> JsonPatch.apply(doc, json("[{'op':'test','path':'/a','value':2}]")));
        assertThrows(PatchException.class, () -> JsonPatch.apply(doc, json("[{'op':'remove','path':'/b'}]")));
        assertThrows(PatchException.class, () -> JsonPatch.apply(doc, json("[{'op':'jump','path':'/a'}]")));
        assertThrows(PatchException.class, () -> JsonPatch.apply(doc, json("{'op':'remove'}")));
    }

    @Test
    void mergePatchRemovesWithNullAndReplacesArrays() throws Exception {
        assertEquals(json("{'a':{'c':2},'l':[3]}"),
                JsonMergePatch.apply(json("{'a':{'b':1,'c':1},'l':[1,2]}"), json("{'a':{'b':null,'c':2},'l':[3]}")));
    }
}
