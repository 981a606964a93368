package io.karst.apiserver.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaModelTest {

  private final SchemaModel model = SchemaModel.builtIn();

  @Test
  void findsDeploymentByGroupVersionKindWithUpstreamName() {
    TypeSchema deployment = model.forKind("apps", "v1", "Deployment").orElseThrow();
    assertEquals("io.k8s.api.apps.v1.Deployment", deployment.name());
    assertEquals(List.of(new GroupVersionKind("apps", "v1", "Deployment")), deployment.groupVersionKinds());
    assertTrue(deployment.description().startsWith("Deployment enables declarative updates"));
    TypeSchema spec = deployment.property("spec").orElseThrow().referencedType().orElseThrow();
    assertEquals("io.k8s.api.apps.v1.DeploymentSpec", spec.name());
    assertTrue(spec.required().containsAll(List.of("selector", "template")));
  }

  @Test
  void navigatesArraysMapsAndScalarsOfPodSpec() {
    TypeSchema podSpec = model.definition("io.k8s.api.core.v1.PodSpec").orElseThrow();
    assertEquals(List.of("containers"), podSpec.required());
    FieldSchema containers = podSpec.property("containers").orElseThrow();
    assertTrue(containers.isArray());
    assertEquals("io.k8s.api.core.v1.Container",
        containers.items().orElseThrow().referencedType().orElseThrow().name());
    FieldSchema nodeSelector = podSpec.property("nodeSelector").orElseThrow();
    assertTrue(nodeSelector.isMap());
    assertEquals("string", nodeSelector.mapValues().orElseThrow().type());
    FieldSchema grace = podSpec.property("terminationGracePeriodSeconds").orElseThrow();
    assertEquals("integer", grace.type());
    assertEquals("int64", grace.format());
    assertFalse(podSpec.property("containers").orElseThrow().description().isEmpty());
  }

  @Test
  void carriesTheKindsOfNewerGroupsAndTheSpecialScalarTypes() {
    assertEquals("io.k8s.api.coordination.v1.Lease", model.forKind("coordination.k8s.io", "v1", "Lease")
        .orElseThrow().name());
    assertEquals("io.k8s.api.discovery.v1.EndpointSlice",
        model.forKind("discovery.k8s.io", "v1", "EndpointSlice").orElseThrow().name());
    assertEquals("io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler",
        model.forKind("autoscaling", "v2", "HorizontalPodAutoscaler").orElseThrow().name());
    assertEquals("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
        model.forKind("apiextensions.k8s.io", "v1", "CustomResourceDefinition").orElseThrow().name());
    assertEquals("io.k8s.apimachinery.pkg.apis.meta.v1.Status", model.forKind("", "v1", "Status").orElseThrow()
        .name());
    assertEquals("int-or-string",
        model.definition("io.k8s.apimachinery.pkg.util.intstr.IntOrString").orElseThrow().format());
    assertEquals("date-time", model.definition("io.k8s.apimachinery.pkg.apis.meta.v1.Time").orElseThrow().format());
  }

  @Test
  void reachableDefinitionsOfDeploymentIncludePodSpecAndMetaButNotUnrelatedTypes() {
    var reachable = model.reachableFrom(List.of("io.k8s.api.apps.v1.Deployment"));
    assertTrue(reachable.contains("io.k8s.api.core.v1.PodSpec"));
    assertTrue(reachable.contains("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
    assertFalse(reachable.contains("io.k8s.api.batch.v1.Job"));
  }

  @Test
  void loadsOnceInReasonableTimeAndMemory() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long before = rt.totalMemory() - rt.freeMemory();
    long start = System.nanoTime();
    SchemaModel fresh;
    try (var in = SchemaModel.class.getResourceAsStream(SchemaModel.RESOURCE)) {
      fresh = SchemaModel.read(in);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.gc();
    long heap = rt.totalMemory() - rt.freeMemory() - before;
    System.out.printf("schema model: %d definitions, loaded in %d ms, ~%d KB heap%n",
        fresh.definitions().size(), millis, heap / 1024);
    assertTrue(fresh.definitions().size() > 600);
    assertTrue(millis < 5_000, "load took " + millis + " ms");
  }
}
