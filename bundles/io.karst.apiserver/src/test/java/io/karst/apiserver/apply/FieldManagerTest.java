package io.karst.apiserver.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;

class FieldManagerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FieldManager manager = new FieldManager(Clock.fixed(Instant.parse("2026-11-23T17:00:00Z"),
            ZoneOffset.UTC));
    private final ResourceType configMaps = type("", "configmaps");
    private final ResourceType deployments = type("apps", "deployments");

    private static ResourceType type(String group, String plural) {
        return BuiltinResources.all().stream().filter(t -> t.group().equals(group) && t.plural().equals(plural))
                .findFirst().orElseThrow();
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The managedFields entry of one manager. */
    private static JsonNode entry(ObjectNode object, String manager, String operation) {
        for (JsonNode e : object.path("metadata").path("managedFields")) {
            if (e.path("manager").asText().equals(manager) && e.path("operation").asText().equals(operation)) {
                return e;
            }
        }
        return null;
    }

    private ObjectNode deployment(int replicas, String image) {
        return json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'default',"
                + "'uid':'u1','resourceVersion':'5'},'spec':{'replicas':" + replicas + ",'selector':{'matchLabels':"
                + "{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':"
                + "'web','image':'" + image + "'}]}}}}");
    }

    @Test
    void aCreateGivesItsManagerEveryFieldItSetWithContainersMarkedAsUpstreamWritesThem() {
        ObjectNode cm = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','namespace':'default',"
                + "'labels':{'app':'x'}},'data':{'a':'1'}}");
        manager.update(configMaps, null, null, cm, "kubectl-create");
        JsonNode e = entry(cm, "kubectl-create", "Update");
        assertEquals("v1", e.path("apiVersion").asText());
        assertEquals("2026-11-23T17:00:00Z", e.path("time").asText());
        assertEquals("FieldsV1", e.path("fieldsType").asText());
        assertEquals(json("{'f:data':{'.':{},'f:a':{}},'f:metadata':{'f:labels':{'.':{},'f:app':{}}}}"),
                e.path("fieldsV1"));
    }

    @Test
    void anUpdateOfAnObjectNeverTrackedStaysUntrackedAsUpstream() {
        ObjectNode live = deployment(1, "nginx:1");
        ObjectNode updated = deployment(2, "nginx:1");
        manager.update(deployments, null, live, updated, "kubectl-edit");
        assertFalse(updated.path("metadata").has("managedFields"));
    }

    @Test
    void anApplyOwnsWhatItAppliedAndConflictsWithTheFieldsOfAnotherManager() {
        ObjectNode live = deployment(1, "nginx:1");
        manager.update(deployments, null, null, live, "kubectl-client-side-apply");
        ObjectNode config = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},"
                + "'spec':{'replicas':3}}");
        ApiException conflict = assertThrows(ApiException.class,
                () -> manager.apply(deployments, null, live, config, "mgr", false));
        assertEquals(409, conflict.code());
        assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: "
                + ".spec.replicas", conflict.getMessage());
        assertEquals("FieldManagerConflict", conflict.details().causes().get(0).reason());
        assertEquals(".spec.replicas", conflict.details().causes().get(0).field());

        ObjectNode forced = manager.apply(deployments, null, live, config, "mgr", true);
        assertEquals(3, forced.path("spec").path("replicas").asInt());
        assertEquals("nginx:1", forced.path("spec").path("template").path("spec").path("containers").get(0)
                .path("image").asText(), "fields the applier does not name are kept");
        assertEquals(json("{'f:spec':{'f:replicas':{}}}"), entry(forced, "mgr", "Apply").path("fieldsV1"));
        assertFalse(entry(forced, "kubectl-client-side-apply", "Update").path("fieldsV1").path("f:spec")
                .has("f:replicas"), "a forced apply takes the field from its previous manager");
    }

    @Test
    void anApplyThatSetsTheSameValueAsAnotherManagerSharesTheFieldWithoutConflict() {
        ObjectNode live = deployment(1, "nginx:1");
        manager.update(deployments, null, null, live, "creator");
        ObjectNode config = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},"
                + "'spec':{'replicas':1}}");
        ObjectNode applied = manager.apply(deployments, null, live, config, "mgr", false);
        assertTrue(entry(applied, "creator", "Update").path("fieldsV1").path("f:spec").has("f:replicas"));
        assertTrue(entry(applied, "mgr", "Apply").path("fieldsV1").path("f:spec").has("f:replicas"));
    }

    @Test
    void fieldsTheApplierStopsApplyingAreRemovedUnlessAnotherManagerOwnsThem() {
        ObjectNode cm = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','uid':'u'}}");
        ObjectNode first = manager.apply(configMaps, null, null,
                json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'1','b':'2'}}"),
                "app", false);
        ObjectMetadataForTest.setUid(first);
        ObjectNode edited = first.deepCopy();
        ((ObjectNode) edited.get("data")).put("c", "3");
        manager.update(configMaps, null, first, edited, "editor");
        ObjectNode second = manager.apply(configMaps, null, edited,
                json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'a':'1'}}"), "app",
                false);
        assertEquals(json("{'a':'1','c':'3'}"), second.get("data"));
        assertTrue(cm.has("kind"));
    }

    @Test
    void listItemsMergeByKeyAndAnotherManagersItemSurvivesTheFirstManagersReapply() {
        ObjectNode first = manager.apply(deployments, null, null, deployment(1, "a:1").put("kind", "Deployment"),
                "one", false);
        ObjectMetadataForTest.setUid(first);
        ObjectNode sidecar = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},"
                + "'spec':{'template':{'spec':{'containers':[{'name':'side','image':'s:1'}]}}}}");
        ObjectNode second = manager.apply(deployments, null, first, sidecar, "two", false);
        JsonNode containers = second.path("spec").path("template").path("spec").path("containers");
        assertEquals(2, containers.size());
        assertEquals("web", containers.get(0).path("name").asText());
        assertEquals("side", containers.get(1).path("name").asText());
        assertTrue(entry(second, "two", "Apply").path("fieldsV1").path("f:spec").path("f:template")
                .path("f:spec").path("f:containers").has("k:{\"name\":\"side\"}"));

        ObjectNode again = manager.apply(deployments, null, second, deployment(1, "a:2"), "one", false);
        JsonNode after = again.path("spec").path("template").path("spec").path("containers");
        assertEquals(2, after.size());
        assertEquals("a:2", after.get(0).path("image").asText());
    }

    @Test
    void aContainerPortWithoutProtocolIsKeyedByTheDefaultProtocol() {
        ObjectNode config = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},"
                + "'spec':{'template':{'spec':{'containers':[{'name':'web','image':'x',"
                + "'ports':[{'containerPort':80}]}]}}}}");
        ObjectNode applied = manager.apply(deployments, null, null, config, "m", false);
        assertTrue(entry(applied, "m", "Apply").path("fieldsV1").path("f:spec").path("f:template").path("f:spec")
                .path("f:containers").path("k:{\"name\":\"web\"}").path("f:ports")
                .has("k:{\"containerPort\":80,\"protocol\":\"TCP\"}"));
    }

    @Test
    void aConfigurationTheSchemaCannotReadIsABadRequestNamingTheField() {
        ApiException unknown = assertThrows(ApiException.class, () -> manager.apply(deployments, null, null,
                json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'d'},"
                        + "'spec':{'replicaz':1}}"), "m", false));
        assertEquals(400, unknown.code());
        assertEquals("failed to create typed patch object (d/web; apps/v1, Kind=Deployment): .spec.replicaz: "
                + "field not declared in schema", unknown.getMessage());
        ApiException duplicate = assertThrows(ApiException.class, () -> manager.apply(deployments, null, null,
                json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},'spec':{'template':"
                        + "{'spec':{'containers':[{'name':'a'},{'name':'a'}]}}}}"), "m", false));
        assertEquals(400, duplicate.code());
        assertTrue(duplicate.getMessage().endsWith(".spec.template.spec.containers: duplicate entries for key "
                + "[name=\"a\"]"), duplicate.getMessage());
        ApiException kindless = assertThrows(ApiException.class, () -> manager.apply(configMaps, null, null,
                json("{'metadata':{'name':'c'}}"), "m", false));
        assertEquals("invalid object type: /, Kind=", kindless.getMessage());
        ApiException managed = assertThrows(ApiException.class, () -> manager.apply(configMaps, null, null,
                json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','managedFields':[]}}"), "m",
                false));
        assertEquals("metadata.managedFields must be nil", managed.getMessage());
    }

    @Test
    void kubectlTakesOverTheFieldsItAppliedClientSideWhenTheyAreUnchanged() {
        ObjectNode live = deployment(1, "nginx:1");
        ObjectNode annotations = ((ObjectNode) live.get("metadata")).putObject("annotations");
        ObjectNode lastApplied = deployment(1, "nginx:1");
        ((ObjectNode) lastApplied.get("metadata")).remove(java.util.List.of("uid", "resourceVersion"));
        annotations.put(FieldManager.LAST_APPLIED, lastApplied.toString());
        manager.update(deployments, null, null, live, "kubectl-client-side-apply");
        ObjectNode config = deployment(2, "nginx:1");
        ((ObjectNode) config.get("metadata")).remove(java.util.List.of("uid", "resourceVersion"));

        assertThrows(ApiException.class, () -> manager.apply(deployments, null, live, config, "other", false),
                "another manager than kubectl still conflicts");
        ObjectNode applied = manager.apply(deployments, null, live, config, "kubectl", false);
        assertEquals(2, applied.path("spec").path("replicas").asInt());
        JsonNode annotation = applied.path("metadata").path("annotations").path(FieldManager.LAST_APPLIED);
        assertTrue(annotation.asText().contains("\"replicas\":2"), "the annotation follows the applied config");
    }

    @Test
    void anApplyOfTheStatusSubresourceOwnsOnlyTheStatus() {
        ObjectNode live = deployment(1, "nginx:1");
        manager.update(deployments, null, null, live, "creator");
        ObjectNode config = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},"
                + "'status':{'replicas':1}}");
        ObjectNode applied = manager.apply(deployments, "status", live, config, "ctl", false);
        JsonNode e = entry(applied, "ctl", "Apply");
        assertEquals("status", e.path("subresource").asText());
        assertEquals(json("{'f:status':{'f:replicas':{}}}"), e.path("fieldsV1"));
    }

    @Test
    void aTypeMarkedAtomicIsOwnedAndReplacedAsAWhole() {
        ObjectNode applied = manager.apply(deployments, null, null, deployment(1, "x"), "m", false);
        assertEquals(json("{}"), entry(applied, "m", "Apply").path("fieldsV1").path("f:spec").path("f:selector"),
                "LabelSelector is +structType=atomic upstream");
        ObjectMetadataForTest.setUid(applied);
        ObjectNode live = applied.deepCopy();
        ((ObjectNode) live.at("/spec/selector/matchLabels")).put("extra", "1");
        ObjectNode again = manager.apply(deployments, null, live, deployment(1, "x"), "m", true);
        assertEquals(json("{'app':'web'}"), again.at("/spec/selector/matchLabels"),
                "an atomic value is replaced, not merged");
    }

    @Test
    void fieldsV1RoundTripsThroughTheFieldSet() {
        ObjectNode fields = json("{'f:metadata':{'f:labels':{'.':{},'f:app':{}}},'f:spec':{'f:containers':"
                + "{'k:{\\\"name\\\":\\\"a\\\"}':{'.':{},'f:image':{}}},'f:finalizers':{'v:\\\"x\\\"':{}}}}");
        assertEquals(fields, FieldSet.fromFieldsV1(fields).toFieldsV1());
    }
}
