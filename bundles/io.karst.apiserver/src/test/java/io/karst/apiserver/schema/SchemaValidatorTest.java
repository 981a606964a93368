package io.karst.apiserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaValidatorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final SchemaValidator validator = new SchemaValidator(SchemaModel.builtIn());

  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
  }

  private static final String GOOD_POD = "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','labels':{'a':'b'},"
      + "'creationTimestamp':'2024-05-01T10:00:00Z'},'spec':{'containers':[{'name':'c','image':'nginx',"
      + "'ports':[{'containerPort':80}],'resources':{'limits':{'cpu':'500m','memory':'1Gi'},'requests':{'cpu':1}},"
      + "'livenessProbe':{'httpGet':{'port':'http','path':'/'}}}]},'status':{'phase':'Pending','conditions':[{}]}}";

  @Test
  void acceptsAWellFormedPod() throws Exception {
    assertEquals(List.of(), validator.validate(json(GOOD_POD)));
  }

  @Test
  void acceptsAWellFormedDeployment() throws Exception {
    ObjectNode deployment = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},"
        + "'spec':{'replicas':2,'selector':{'matchLabels':{'app':'x'}},'strategy':{'rollingUpdate':"
        + "{'maxSurge':'25%','maxUnavailable':1}},'template':{'metadata':{'labels':{'app':'x'}},"
        + "'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}");
    assertEquals(List.of(), validator.validate(deployment));
  }

  @Test
  void reportsMissingContainersAsRequiredValue() throws Exception {
    List<FieldError> errors = validator.validate(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},"
        + "'spec':{'containers':[]}}"));
    assertEquals(List.of(new FieldError(FieldError.Kind.REQUIRED, "spec.containers", "Required value")), errors);
    assertEquals("spec.containers: Required value", errors.get(0).describe());
    assertEquals("FieldValueRequired", errors.get(0).kind().causeType());
  }

  @Test
  void reportsRequiredFieldsInsideListsWithTheirIndex() throws Exception {
    List<FieldError> errors = validator.validate(json("{'apiVersion':'apps/v1','kind':'Deployment',"
        + "'metadata':{'name':'d'},'spec':{'selector':{},'template':{'spec':{'containers':[{'image':'x'}]}}}}"));
    assertEquals(List.of(new FieldError(FieldError.Kind.REQUIRED, "spec.template.spec.containers[0].name",
        "Required value")), errors);
  }

  @Test
  void reportsUnknownFieldsApartWithTheirFullPath() throws Exception {
    List<FieldError> errors = validator.validate(json("{'apiVersion':'apps/v1','kind':'Deployment',"
        + "'metadata':{'name':'d'},'spec':{'foo':1,'selector':{},'template':{'spec':{'containers':"
        + "[{'name':'c','imagePullPolicyy':'Always'}]}}}}"));
    assertEquals(List.of("unknown field \"spec.foo\"",
        "unknown field \"spec.template.spec.containers[0].imagePullPolicyy\""),
        SchemaValidator.unknownFields(errors).stream().map(FieldError::message).toList());
    assertEquals(List.of(), SchemaValidator.withoutUnknownFields(errors));
  }

  @Test
  void wordsWrongJsonTypesAsGoDecodingErrors() throws Exception {
    List<FieldError> errors = validator.validate(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},"
        + "'spec':{'containers':'nginx'}}"));
    assertEquals(List.of(new FieldError(FieldError.Kind.WRONG_TYPE, "spec.containers",
        "json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container")),
        errors);
    errors = validator.validate(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':"
        + "{'containers':[{'name':'c','image':5,'ports':[{'containerPort':1.5}],'tty':'yes'}]}}"));
    assertEquals(List.of(
        "json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string",
        "json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort"
            + " of type int32",
        "json: cannot unmarshal string into Go struct field Container.spec.containers.tty of type bool"),
        errors.stream().map(FieldError::message).toList());
    assertEquals("spec.containers[0].ports[0].containerPort", errors.get(1).field());
  }

  @Test
  void checksIntOrStringQuantitiesTimesAndBytes() throws Exception {
    List<FieldError> errors = validator.validate(json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p',"
        + "'creationTimestamp':'yesterday'},'spec':{'containers':[{'name':'c','resources':{'limits':"
        + "{'cpu':'1.5.5','memory':'1Mk'}},'livenessProbe':{'httpGet':{'port':true}}}]}}"));
    assertEquals(List.of(
        "parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"yesterday\" as \"2006\"",
        Quantities.FORMAT_WRONG, Quantities.SUFFIX_WRONG,
        "json: cannot unmarshal bool into Go value of type int32"),
        errors.stream().map(FieldError::message).toList());
    assertEquals("spec.containers[0].resources.limits[memory]", errors.get(2).field());
    List<FieldError> secret = validator.validate(json("{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s'},"
        + "'data':{'ok':'aGVsbG8=','bad':'he!!'}}"));
    assertEquals(List.of(new FieldError(FieldError.Kind.INVALID_VALUE, "data[bad]",
        "illegal base64 data at input byte 2")), secret);
  }

  @Test
  void timestampsFollowGoRfc3339Rules() {
    assertEquals(null, GoTimes.check("2024-02-29T23:59:59.123456+02:00"));
    assertEquals("parsing time \"2024-13-01T00:00:00Z\": month out of range", GoTimes.check("2024-13-01T00:00:00Z"));
    assertEquals("parsing time \"2024-01-01 00:00:00Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse"
        + " \" 00:00:00Z\" as \"T\"", GoTimes.check("2024-01-01 00:00:00Z"));
  }

  @Test
  void quantitySyntaxAcceptsUpstreamForms() {
    for (String ok : List.of("1", "100m", "1.5Gi", "2e3", "-1", "+.5", "1E-3", "10Ki")) {
      assertEquals(null, Quantities.check(ok), ok);
    }
    assertEquals(Quantities.FORMAT_WRONG, Quantities.check("abc"));
    assertEquals(Quantities.FORMAT_WRONG, Quantities.check("1Gb"));
    assertEquals(Quantities.SUFFIX_WRONG, Quantities.check("1Kk"));
  }

  @Test
  void refusesAKindTheModelDoesNotKnow() throws Exception {
    assertThrows(IllegalArgumentException.class,
        () -> validator.validate(json("{'apiVersion':'example.com/v1','kind':'Widget'}")));
  }

  @Test
  void freeFormFieldsAcceptAnyValue() throws Exception {
    ObjectNode revision = json("{'apiVersion':'apps/v1','kind':'ControllerRevision','metadata':{'name':'r'},"
        + "'revision':1,'data':{'anything':[1,{'x':true}]}}");
    assertTrue(validator.validate(revision).isEmpty());
  }
}
