package io.karst.apiserver.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.schema.SchemaModel;
import io.karst.apiserver.schema.TypeSchema;

class StrategicMergePatchTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final TypeSchema DEPLOYMENT = SchemaModel.builtIn().forKind("apps", "v1", "Deployment").orElseThrow();
    static final TypeSchema CONFIGMAP = SchemaModel.builtIn().forKind("", "v1", "ConfigMap").orElseThrow();

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ObjectNode deployment() {
        return (ObjectNode) json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web',"
                + "'labels':{'app':'web','tier':'front'},'finalizers':['a.example/x','b.example/y']},"
                + "'spec':{'replicas':1,'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}},"
                + "'template':{'spec':{'containers':["
                + "{'name':'app','image':'app:1','args':['--a','--b'],'env':[{'name':'A','value':'1'},"
                + "{'name':'B','value':'2'}],'ports':[{'containerPort':80,'protocol':'TCP'}]},"
                + "{'name':'sidecar','image':'side:1'}]}}}}");
    }

    static ObjectNode patch(String patch) {
        return StrategicMergePatch.apply(deployment(), json(patch), DEPLOYMENT);
    }

    static JsonNode containers(ObjectNode d) {
        return d.path("spec").path("template").path("spec").path("containers");
    }

    @Test
    void containersMergeByNameAndEnvByName() {
        ObjectNode d = patch("{'spec':{'template':{'spec':{'containers':[{'name':'app','image':'app:2',"
                + "'env':[{'name':'B','value':'two'},{'name':'C','value':'3'}]}]}}}}");
        assertEquals(2, containers(d).size(), "the sidecar stays");
        JsonNode app = containers(d).get(0);
        assertEquals("app:2", app.path("image").asText());
        assertEquals(json("['--a','--b']"), app.path("args"), "untouched fields stay");
        assertEquals(json("[{'name':'A','value':'1'},{'name':'B','value':'two'},{'name':'C','value':'3'}]"),
                app.path("env"));
    }

    @Test
    void listsWithoutAMergeStrategyAreReplaced() {
        ObjectNode d = patch("{'spec':{'template':{'spec':{'containers':[{'name':'app','args':['--c']}]}}}}");
        assertEquals(json("['--c']"), containers(d).get(0).path("args"));
    }

    @Test
    void patchDeleteRemovesOneElementAndPatchReplaceTheWholeList() {
        ObjectNode deleted = patch("{'spec':{'template':{'spec':{'containers':[{'name':'sidecar','$patch':'delete'}]}}}}");
        assertEquals(1, containers(deleted).size());
        assertEquals("app", containers(deleted).get(0).path("name").asText());
        ObjectNode replaced = patch("{'spec':{'template':{'spec':{'containers':[{'$patch':'replace'},"
                + "{'name':'only','image':'only:1'}]}}}}");
        assertEquals(json("[{'name':'only','image':'only:1'}]"), containers(replaced));
    }

    @Test
    void primitiveListsWithMergeStrategyAreUnitedAndDeletedFrom() {
        ObjectNode d = patch("{'metadata':{'finalizers':['c.example/z','a.example/x'],"
                + "'$deleteFromPrimitiveList/finalizers':['b.example/y']}}");
        assertEquals(json("['a.example/x','c.example/z']"), d.path("metadata").path("finalizers"));
    }

    @Test
    void retainKeysDropsFieldsTheNewStrategyDoesNotHave() {
        ObjectNode d = patch("{'spec':{'strategy':{'type':'Recreate','$retainKeys':['type'],'rollingUpdate':null}}}");
        assertEquals(json("{'type':'Recreate'}"), d.path("spec").path("strategy"));
    }

    @Test
    void setElementOrderOrdersTheMergedList() {
        ObjectNode d = patch("{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'sidecar'},"
                + "{'name':'app'}],'containers':[{'name':'sidecar','image':'side:2'}]}}}}");
        assertEquals("sidecar", containers(d).get(0).path("name").asText());
        assertEquals("side:2", containers(d).get(0).path("image").asText());
        assertEquals("app", containers(d).get(1).path("name").asText());
    }

    @Test
    void mapsMergeAndNullDeletes() {
        ObjectNode d = patch("{'metadata':{'labels':{'tier':null,'env':'prod'}},'spec':{'replicas':3}}");
        assertEquals(json("{'app':'web','env':'prod'}"), d.path("metadata").path("labels"));
        assertEquals(3, d.path("spec").path("replicas").asInt());
    }

    @Test
    void portsMergeByContainerPort() {
        ObjectNode d = patch("{'spec':{'template':{'spec':{'containers':[{'name':'app','ports':"
                + "[{'containerPort':443,'protocol':'TCP'}]}]}}}}");
        assertEquals(2, containers(d).get(0).path("ports").size());
    }

    @Test
    void anElementWithoutTheMergeKeyIsRefused() {
        PatchException e = assertThrows(PatchException.class,
                () -> patch("{'spec':{'template':{'spec':{'containers':[{'image':'x'}]}}}}"));
        assertEquals("map: {\"image\":\"x\"} does not contain declared merge key: name", e.getMessage());
    }

    @Test
    void configMapDataIsAPlainMapMerge() {
        ObjectNode cm = (ObjectNode) json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},"
                + "'data':{'a':'1','b':'2'}}");
        ObjectNode patched = StrategicMergePatch.apply(cm, json("{'data':{'b':null,'c':'3'}}"), CONFIGMAP);
        assertEquals(json("{'a':'1','c':'3'}"), patched.path("data"));
        assertEquals(json("{'a':'1','b':'2'}"), cm.path("data"), "the stored object is not modified");
    }
}
