package io.karst.apiserver.codec.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;

/** JSON → enveloped protobuf → JSON for what responses carry: objects, lists, Status, and what the protos lack. */
class ProtobufObjectsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    }

    /** What a client decoding the response reads back, as JSON (the request-body path of this server). */
    private static ObjectNode readBack(byte[] wire) {
        return ProtobufBodies.decode(wire);
    }

    @Test
    void aStatusRoundTripsWithItsDetailsAndCauses() throws Exception {
        ObjectNode status = json("{'apiVersion':'v1','kind':'Status','metadata':{},'status':'Failure',"
                + "'message':'ConfigMap \\\"x\\\" is invalid','reason':'Invalid','details':{'name':'x','kind':'ConfigMap',"
                + "'causes':[{'reason':'FieldValueRequired','message':'Required value','field':'data'}]},'code':422}");
        ProtobufObjects.Encoded encoded = ProtobufObjects.encode(status).orElseThrow();

        assertEquals(List.of(), encoded.droppedFields());
        Meta.Status message = Meta.Status.parseFrom(UnknownEnvelope.decode(encoded.bytes()).raw());
        assertEquals(422, message.getCode());
        assertEquals("data", message.getDetails().getCauses(0).getField());
        // the empty ListMeta is written as an empty message, so it reads back as upstream's JSON has it: {}
        assertEquals(status, readBack(encoded.bytes()));
    }

    @Test
    void aListRoundTripsWithItsItemsWhoseTypeMetaIsTheEnvelopes() throws Exception {
        ObjectNode list = json("{'apiVersion':'v1','kind':'ConfigMapList','metadata':{'resourceVersion':'42'},"
                + "'items':[{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'a','namespace':'default',"
                + "'creationTimestamp':'2026-11-23T16:00:00Z'},'data':{'k':'v'}},"
                + "{'metadata':{'name':'b','namespace':'default'},'binaryData':{'bin':'AP8='}}]}");
        ProtobufObjects.Encoded encoded = ProtobufObjects.encode(list).orElseThrow();

        assertEquals(List.of(), encoded.droppedFields(), "items' apiVersion/kind are not fields the protos lack");
        V1.ConfigMapList message = V1.ConfigMapList.parseFrom(UnknownEnvelope.decode(encoded.bytes()).raw());
        assertEquals(2, message.getItemsCount());
        assertEquals("42", message.getMetadata().getResourceVersion());
        ObjectNode expected = list.deepCopy();
        ((ObjectNode) expected.path("items").get(0)).remove(List.of("apiVersion", "kind"));
        assertEquals(expected, readBack(encoded.bytes()));
    }

    @Test
    void aPodRoundTripsWithItsTimestamps() throws Exception {
        ObjectNode pod = json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','namespace':'default',"
                + "'creationTimestamp':'2026-11-23T16:00:01Z','deletionTimestamp':'2026-11-23T16:05:00Z',"
                + "'deletionGracePeriodSeconds':30},"
                + "'spec':{'containers':[{'name':'c','image':'nginx','resources':{'requests':{'cpu':'100m'}}}]},"
                + "'status':{'phase':'Running','startTime':'2026-11-23T16:00:02Z','conditions':[{'type':'Ready',"
                + "'status':'True','lastTransitionTime':'2026-11-23T16:00:03Z'}]}}");
        ProtobufObjects.Encoded encoded = ProtobufObjects.encode(pod).orElseThrow();

        V1.Pod message = V1.Pod.parseFrom(UnknownEnvelope.decode(encoded.bytes()).raw());
        assertEquals(java.time.Instant.parse("2026-11-23T16:05:00Z").getEpochSecond(),
                message.getMetadata().getDeletionTimestamp().getSeconds());
        assertEquals(pod, readBack(encoded.bytes()));
    }

    @Test
    void membersTheProtosLackAreDroppedAndNamed() throws Exception {
        ObjectNode pod = json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},"
                + "'spec':{'resources':{'limits':{'cpu':'1'}},'containers':[{'name':'c','futureField':true}]},"
                + "'status':{'observedGeneration':1}}");

        ProtobufObjects.Encoded encoded = ProtobufObjects.encode(pod).orElseThrow();

        assertEquals(List.of("spec.resources", "spec.containers[0].futureField", "status.observedGeneration"),
                encoded.droppedFields());
        assertFalse(readBack(encoded.bytes()).path("spec").has("resources"));
    }

    @Test
    void managedFieldsCarryTheirFieldSetAsJsonBytes() throws Exception {
        ObjectNode configMap = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','managedFields':["
                + "{'manager':'kubectl','operation':'Apply','apiVersion':'v1','time':'2026-11-23T16:00:00Z',"
                + "'fieldsType':'FieldsV1','fieldsV1':{'f:data':{'.':{},'f:k':{}}}}]},'data':{'k':'v'}}");
        ProtobufObjects.Encoded encoded = ProtobufObjects.encode(configMap).orElseThrow();

        assertEquals(List.of(), encoded.droppedFields());
        V1.ConfigMap message = V1.ConfigMap.parseFrom(UnknownEnvelope.decode(encoded.bytes()).raw());
        assertEquals("{\"f:data\":{\".\":{},\"f:k\":{}}}",
                message.getMetadata().getManagedFields(0).getFieldsV1().getRaw().toStringUtf8());
        assertEquals(configMap, readBack(encoded.bytes()));
    }

    @Test
    void theEmptyStringsAndZeroTimesGoWritesAreLeftOutOfTheJsonAsUpstreamsOmitemptyDoes() throws Exception {
        V1.ConfigMap fromGo = V1.ConfigMap.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("c")
                .setGenerateName("").setNamespace("").setSelfLink("").setUid("").setResourceVersion("")
                .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(0).setNanos(0)))
                .putData("empty", "").setImmutable(false).build();

        ObjectNode json = ProtobufBodies.decode(UnknownEnvelope.of("v1", "ConfigMap", fromGo.toByteArray()).encode());

        assertEquals(json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'empty':''},"
                + "'immutable':false}"), json);
    }

    @Test
    void aQuantityWrittenAsANumberIsItsText() throws Exception {
        ObjectNode pod = json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},"
                + "'spec':{'containers':[{'name':'c','resources':{'limits':{'cpu':2}}}]}}");

        V1.Pod message = V1.Pod.parseFrom(UnknownEnvelope.decode(ProtobufObjects.encode(pod).orElseThrow().bytes())
                .raw());

        assertEquals("2", message.getSpec().getContainers(0).getResources().getLimitsOrThrow("cpu").getString());
    }

    @Test
    void kindsWithoutAMessageHaveNoProtobufForm() throws Exception {
        assertTrue(ProtobufObjects.hasMessage("apps/v1", "DeploymentList"));
        assertTrue(ProtobufObjects.hasMessage("autoscaling/v1", "Scale"));
        assertTrue(ProtobufObjects.hasMessage("policy/v1", "Eviction"));
        assertTrue(ProtobufObjects.hasMessage("meta.k8s.io/v1", "PartialObjectMetadata"));
        assertFalse(ProtobufObjects.hasMessage("coordination.k8s.io/v1", "Lease"));
        assertFalse(ProtobufObjects.hasMessage("discovery.k8s.io/v1", "EndpointSlice"));
        assertFalse(ProtobufObjects.hasMessage("example.com/v1", "Widget"));
        assertTrue(ProtobufObjects.encode(json("{'apiVersion':'example.com/v1','kind':'Widget'}")).isEmpty());
    }
}
