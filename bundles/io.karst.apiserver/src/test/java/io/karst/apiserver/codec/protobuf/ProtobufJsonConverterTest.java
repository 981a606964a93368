package io.karst.apiserver.codec.protobuf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import org.junit.jupiter.api.Test;

class ProtobufJsonConverterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
    }

    private static void assertRoundTrip(com.google.protobuf.Descriptors.Descriptor type, ObjectNode object) {
        byte[] wire = ProtobufJsonConverter.toProtobuf(type, object);
        assertEquals(object, ProtobufJsonConverter.toJson(type, wire));
    }

    @Test
    void configMapRoundTripsWithItsDataMap() throws Exception {
        ObjectNode configMap = json("{'metadata':{'name':'settings','namespace':'default','labels':{'app':'web'}},"
                + "'data':{'mode':'fast','level':'3'},'immutable':true}");
        byte[] wire = ProtobufJsonConverter.toProtobuf(V1.ConfigMap.getDescriptor(), configMap);

        V1.ConfigMap generated = V1.ConfigMap.parseFrom(wire);
        assertEquals("fast", generated.getDataOrThrow("mode"));
        assertEquals("web", generated.getMetadata().getLabelsOrThrow("app"));
        assertRoundTrip(V1.ConfigMap.getDescriptor(), configMap);
    }

    @Test
    void secretBinaryDataIsBytesOnTheWireAndBase64InJson() throws Exception {
        ObjectNode secret = json("{'metadata':{'name':'s'},'data':{'key':'AAECA/8='},'type':'Opaque'}");
        V1.Secret generated = V1.Secret.parseFrom(ProtobufJsonConverter.toProtobuf(V1.Secret.getDescriptor(), secret));

        assertEquals(5, generated.getDataOrThrow("key").size());
        assertEquals((byte) 0xff, generated.getDataOrThrow("key").byteAt(4));
        assertRoundTrip(V1.Secret.getDescriptor(), secret);
    }

    @Test
    void deploymentKeepsIntOrStringAndQuantityInTheirJsonForms() throws Exception {
        ObjectNode deployment = json("{'metadata':{'name':'web'},'spec':{'replicas':3,"
                + "'selector':{'matchLabels':{'app':'web'}},"
                + "'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':1,'maxSurge':'25%'}},"
                + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'c','image':'nginx',"
                + "'resources':{'limits':{'cpu':'500m','memory':'64Mi'}}}]}}}}");
        V1Apps.Deployment generated = V1Apps.Deployment.parseFrom(
                ProtobufJsonConverter.toProtobuf(V1Apps.Deployment.getDescriptor(), deployment));

        assertEquals(1, generated.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
        assertEquals("25%", generated.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getStrVal());
        assertEquals("500m", generated.getSpec().getTemplate().getSpec().getContainers(0).getResources()
                .getLimitsOrThrow("cpu").getString());
        assertRoundTrip(V1Apps.Deployment.getDescriptor(), deployment);
    }

    @Test
    void podTimestampsAreSecondsOnTheWireAndRfc3339InJson() throws Exception {
        ObjectNode pod = json("{'metadata':{'name':'p','creationTimestamp':'2026-11-23T03:04:05Z'},"
                + "'status':{'phase':'Running','startTime':'2026-11-23T03:04:06Z'}}");
        V1.Pod generated = V1.Pod.parseFrom(ProtobufJsonConverter.toProtobuf(V1.Pod.getDescriptor(), pod));

        assertEquals(1795403045L, generated.getMetadata().getCreationTimestamp().getSeconds());
        assertRoundTrip(V1.Pod.getDescriptor(), pod);
    }

    @Test
    void statusAndListRoundTrip() throws Exception {
        assertRoundTrip(Meta.Status.getDescriptor(), json("{'metadata':{},'status':'Failure','message':"
                + "'configmaps \\u0022x\\u0022 not found','reason':'NotFound','details':{'name':'x','kind':'configmaps'},"
                + "'code':404}"));
        assertRoundTrip(V1.ConfigMapList.getDescriptor(), json("{'metadata':{'resourceVersion':'12'},"
                + "'items':[{'metadata':{'name':'a'}},{'metadata':{'name':'b'},'data':{'k':'v'}}]}"));
    }

    @Test
    void microTimeKeepsMicrosecondsOnBothSides() throws Exception {
        ObjectNode event = json("{'metadata':{'name':'e'},'eventTime':'2026-11-23T03:04:05.123456Z','reason':'Started'}");
        V1.Event generated = V1.Event.parseFrom(ProtobufJsonConverter.toProtobuf(V1.Event.getDescriptor(), event));

        assertEquals(123456000, generated.getEventTime().getNanos());
        assertRoundTrip(V1.Event.getDescriptor(), event);
    }

    @Test
    void rawExtensionCarriesEmbeddedJsonBytes() throws Exception {
        ObjectNode revision = json("{'metadata':{'name':'r'},'data':{'spec':{'template':{'x':[1,2]}}},'revision':2}");
        V1Apps.ControllerRevision generated = V1Apps.ControllerRevision.parseFrom(
                ProtobufJsonConverter.toProtobuf(V1Apps.ControllerRevision.getDescriptor(), revision));

        assertEquals("{\"spec\":{\"template\":{\"x\":[1,2]}}}", generated.getData().getRaw().toStringUtf8());
        assertRoundTrip(V1Apps.ControllerRevision.getDescriptor(), revision);
    }

    @Test
    void bytesThatAreNotTheMessageAreMalformed() {
        org.junit.jupiter.api.Assertions.assertThrows(MalformedProtobufException.class,
                () -> ProtobufJsonConverter.toJson(V1.ConfigMap.getDescriptor(), new byte[] {0x0a, 0x7f, 0x01}));
    }

    @Test
    void jsonValuesOfTheWrongTypeAreRejectedInsteadOfBecomingZero() throws Exception {
        ObjectNode deployment = json("{'metadata':{'name':'web'},'spec':{'replicas':'three'}}");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ProtobufJsonConverter.toProtobuf(V1Apps.Deployment.getDescriptor(), deployment));
    }
}
