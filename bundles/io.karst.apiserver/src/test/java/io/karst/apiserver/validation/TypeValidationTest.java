package io.karst.apiserver.validation;

import static io.karst.apiserver.validation.Objects.json;
import static io.karst.apiserver.validation.Objects.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.defaults.Defaulters;

/** Per-type validation of defaulted objects, with upstream's exact error texts. */
class TypeValidationTest {
    private static List<String> create(String group, String resource, String body) {
        ObjectNode o = json(body);
        Defaulters.forResource(group, resource).apply(o);
        return texts(Validators.forResource(group, resource).validateCreate(o));
    }

    private static List<String> update(String group, String resource, String newBody, String oldBody) {
        ObjectNode n = json(newBody);
        ObjectNode o = json(oldBody);
        Defaulters.forResource(group, resource).apply(n);
        Defaulters.forResource(group, resource).apply(o);
        return texts(Validators.forResource(group, resource).validateUpdate(n, o));
    }

    private static final String POD_META = "'metadata':{'name':'p','namespace':'default'}";

    private static String pod(String spec) {
        return "{" + POD_META + ",'spec':" + spec + "}";
    }

    // ---------------------------------------------------------------- Pod

    @Test
    void podWithoutContainersNeedsThem() {
        assertEquals(List.of("spec.containers: Required value"), create("", "pods", pod("{}")));
    }

    @Test
    void podContainerNamesMustBeUniqueLabelsAndImagesPresent() {
        assertEquals(List.of("spec.containers[0].image: Required value",
                "spec.containers[1].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case "
                        + "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. "
                        + "'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                "spec.containers[2].name: Duplicate value: \"a\""),
                create("", "pods", pod("{'containers':[{'name':'a'},{'name':'Web','image':'x'},{'name':'a','image':'y'}]}")));
    }

    @Test
    void podRestartAndPullPoliciesMustBeKnown() {
        assertEquals(List.of("spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: "
                + "\"Always\", \"IfNotPresent\", \"Never\"",
                "spec.restartPolicy: Unsupported value: \"Maybe\": supported values: \"Always\", \"OnFailure\", \"Never\""),
                create("", "pods", pod("{'restartPolicy':'Maybe','containers':[{'name':'a','image':'x',"
                        + "'imagePullPolicy':'Sometimes'}]}")));
    }

    @Test
    void podPortsAndEnvNamesAreChecked() {
        assertEquals(List.of("spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and "
                + "65535, inclusive",
                "spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist "
                        + "only of printable ASCII characters other than '='"),
                create("", "pods", pod("{'containers':[{'name':'a','image':'x','ports':[{'containerPort':70000},"
                        + "{'containerPort':80,'protocol':'HTTP'}],'env':[{'name':'A=B','value':'1'}]}]}")));
    }

    @Test
    void podRequestsMayNotExceedLimits() {
        assertEquals(List.of("spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal "
                + "to cpu limit of 1"),
                create("", "pods", pod("{'containers':[{'name':'a','image':'x','resources':{'limits':{'cpu':'1'},"
                        + "'requests':{'cpu':'2'}}}]}")));
    }

    @Test
    void podVolumesNeedOneSourceAndMountsAKnownVolume() {
        assertEquals(List.of("spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type",
                "spec.containers[0].volumeMounts[0].name: Not found: \"data\""),
                create("", "pods", pod("{'volumes':[{'name':'v','emptyDir':{},'hostPath':{'path':'/x'}}],"
                        + "'containers':[{'name':'a','image':'x','volumeMounts':[{'name':'data','mountPath':'/d'}]}]}")));
    }

    @Test
    void podDuplicateVolumeNamesAreRejected() {
        assertEquals(List.of("spec.volumes[1].name: Duplicate value: \"v\""),
                create("", "pods", pod("{'volumes':[{'name':'v'},{'name':'v'}],'containers':[{'name':'a','image':'x'}]}")));
    }

    @Test
    void podProbesNeedAHandlerAndLivenessSuccessThresholdOne() {
        assertEquals(List.of("spec.containers[0].livenessProbe: Required value: must specify a handler type",
                "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"),
                create("", "pods", pod("{'containers':[{'name':'a','image':'x','livenessProbe':{'successThreshold':2}}]}")));
    }

    @Test
    void podTolerationsAreChecked() {
        assertEquals(List.of("spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when "
                + "`key` is empty, which means \"match all values and all keys\""),
                create("", "pods", pod("{'containers':[{'name':'a','image':'x'}],'tolerations':[{'operator':'Equal'}]}")));
    }

    @Test
    void podSpecUpdatesOnlyChangeImages() {
        String old = pod("{'containers':[{'name':'a','image':'x:1'}]}").replace("'namespace'", "'resourceVersion':'1','namespace'");
        String newImage = pod("{'containers':[{'name':'a','image':'x:2'}]}").replace("'namespace'", "'resourceVersion':'1','namespace'");
        assertEquals(List.of(), update("", "pods", newImage, old));
        String newPolicy = pod("{'containers':[{'name':'a','image':'x:1'}],'restartPolicy':'Never'}")
                .replace("'namespace'", "'resourceVersion':'1','namespace'");
        List<String> errs = update("", "pods", newPolicy, old);
        assertEquals(1, errs.size());
        assertTrue(errs.get(0).startsWith("spec: Forbidden: pod updates may not change fields other than "
                + "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                + "`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
                + "(allow it to be set to 1 if it was previously negative)\n"), errs.get(0));
    }

    // ---------------------------------------------------------------- Service

    private static String svc(String spec) {
        return "{'metadata':{'name':'web','namespace':'default'},'spec':" + spec + "}";
    }

    @Test
    void serviceNeedsPortsUnlessHeadless() {
        assertEquals(List.of("spec.ports: Required value"), create("", "services", svc("{'selector':{'a':'b'}}")));
        assertEquals(List.of(), create("", "services", svc("{'clusterIP':'None','selector':{'a':'b'}}")));
    }

    @Test
    void servicePortsProtocolsAndTypesAreChecked() {
        assertEquals(List.of("spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
                "spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", "
                        + "\"LoadBalancer\", \"NodePort\""),
                create("", "services", svc("{'type':'Internal','ports':[{'port':0,'protocol':'HTTP'}]}")));
    }

    @Test
    void serviceMultiplePortsNeedNamesAndNodePortsTheRange() {
        assertEquals(List.of("spec.ports[0].name: Required value", "spec.ports[1].name: Required value",
                "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of "
                        + "valid ports is 30000-32767"),
                create("", "services", svc("{'type':'NodePort','ports':[{'port':80,'nodePort':80},{'port':81}]}")));
    }

    @Test
    void serviceClusterIpMayNotChange() {
        String old = "{'metadata':{'name':'web','namespace':'default','resourceVersion':'1'},'spec':{'clusterIP':"
                + "'10.43.0.5','ports':[{'port':80}]}}";
        String changed = old.replace("10.43.0.5", "10.43.0.6");
        assertEquals(List.of("spec.clusterIPs[0]: Invalid value: []string{\"10.43.0.6\"}: may not change once set"),
                update("", "services", changed, old));
    }

    // ---------------------------------------------------------------- ConfigMap, Secret, Namespace, SA

    @Test
    void configMapKeysAndOverlap() {
        assertEquals(List.of(), create("", "configmaps", "{'metadata':{'name':'c','namespace':'d'},'data':{'a.conf':'x'}}"));
        assertEquals(List.of("data[bad/key]: Invalid value: \"bad/key\": a valid config key must consist of alphanumeric "
                + "characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for "
                + "validation is '[-._a-zA-Z0-9]+')",
                "data[k]: Invalid value: \"k\": duplicate of key present in binaryData"),
                create("", "configmaps", "{'metadata':{'name':'c','namespace':'d'},'data':{'bad/key':'x','k':'v'},"
                        + "'binaryData':{'k':'dg=='}}"));
    }

    @Test
    void configMapLargerThanOneMebibyteIsTooLong() {
        String big = "x".repeat(1024 * 1024 + 1);
        assertEquals(List.of("[]: Too long: may not be more than 1048576 bytes"),
                create("", "configmaps", "{'metadata':{'name':'c','namespace':'d'},'data':{'k':'" + big + "'}}"));
    }

    @Test
    void immutableConfigMapDataCannotChange() {
        String old = "{'metadata':{'name':'c','namespace':'d','resourceVersion':'1'},'immutable':true,'data':{'k':'1'}}";
        assertEquals(List.of("data: Forbidden: field is immutable when `immutable` is set"),
                update("", "configmaps", old.replace("'1'}}", "'2'}}"), old));
    }

    @Test
    void secretTypesRequireTheirKeys() {
        String meta = "'metadata':{'name':'s','namespace':'d'}";
        assertEquals(List.of("data[tls.crt]: Required value", "data[tls.key]: Required value"),
                create("", "secrets", "{" + meta + ",'type':'kubernetes.io/tls','data':{}}"));
        assertEquals(List.of("data[.dockerconfigjson]: Required value"),
                create("", "secrets", "{" + meta + ",'type':'kubernetes.io/dockerconfigjson'}"));
        assertEquals(List.of("data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character "
                + "'o' looking for beginning of value"),
                create("", "secrets", "{" + meta + ",'type':'kubernetes.io/dockerconfigjson','data':{'.dockerconfigjson':'b29wcw=='}}"));
        assertEquals(List.of("metadata.annotations[kubernetes.io/service-account.name]: Required value"),
                create("", "secrets", "{" + meta + ",'type':'kubernetes.io/service-account-token'}"));
        assertEquals(List.of("data[username]: Required value", "data[password]: Required value"),
                create("", "secrets", "{" + meta + ",'type':'kubernetes.io/basic-auth'}"));
        assertEquals(List.of("data[ssh-privatekey]: Required value"),
                create("", "secrets", "{" + meta + ",'type':'kubernetes.io/ssh-auth'}"));
    }

    @Test
    void secretTypeIsImmutable() {
        String old = "{'metadata':{'name':'s','namespace':'d','resourceVersion':'1'},'type':'Opaque'}";
        assertEquals(List.of("type: Invalid value: \"example.com/x\": field is immutable"),
                update("", "secrets", old.replace("Opaque", "example.com/x"), old));
    }

    @Test
    void namespaceNameIsALabelAndItHasNoNamespace() {
        assertEquals(List.of(), create("", "namespaces", "{'metadata':{'name':'team-a'}}"));
        assertEquals(List.of("metadata.name: Invalid value: \"team.a\": must not contain dots"),
                create("", "namespaces", "{'metadata':{'name':'team.a'}}"));
        assertEquals(List.of("spec.finalizers: Invalid value: \"custom\": name is neither a standard finalizer name nor "
                + "is it fully qualified"), create("", "namespaces", "{'metadata':{'name':'n'},'spec':{'finalizers':['custom']}}"));
    }

    @Test
    void serviceAccountNameIsASubdomain() {
        assertEquals(List.of(), create("", "serviceaccounts", "{'metadata':{'name':'builder.v1','namespace':'d'}}"));
        assertEquals(1, create("", "serviceaccounts", "{'metadata':{'name':'Builder','namespace':'d'}}").size());
    }

    // ---------------------------------------------------------------- apps

    private static String deployment(String selector, String templateLabels) {
        return "{'metadata':{'name':'web','namespace':'default'},'spec':{'selector':" + selector + ",'template':{"
                + "'metadata':{'labels':" + templateLabels + "},'spec':{'containers':[{'name':'web','image':'nginx'}]}}}}";
    }

    @Test
    void deploymentSelectorMustMatchTemplateLabels() {
        assertEquals(List.of("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: "
                + "`selector` does not match template `labels`"),
                create("apps", "deployments", deployment("{'matchLabels':{'app':'web'}}", "{'app':'other'}")));
    }

    @Test
    void deploymentNeedsASelectorAndNonNegativeReplicas() {
        assertEquals(List.of("spec.selector: Required value"),
                create("apps", "deployments", deployment("null", "{'app':'web'}")));
        assertEquals(List.of("spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
                create("apps", "deployments", deployment("{'matchLabels':{'app':'web'}}", "{'app':'web'}")
                        .replace("'spec':{'selector'", "'spec':{'replicas':-1,'selector'")));
    }

    @Test
    void deploymentStrategyValuesAreChecked() {
        List<String> errs = create("apps", "deployments", deployment("{'matchLabels':{'app':'web'}}", "{'app':'web'}")
                .replace("'spec':{'selector'", "'spec':{'strategy':{'type':'BlueGreen'},'selector'"));
        assertEquals(1, errs.size());
        assertTrue(errs.get(0).startsWith("spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:\"BlueGreen\""));
        assertTrue(errs.get(0).endsWith("supported values: \"Recreate\", \"RollingUpdate\""));
        assertEquals(List.of("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, "
                + "IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"),
                create("apps", "deployments", deployment("{'matchLabels':{'app':'web'}}", "{'app':'web'}")
                        .replace("'spec':{'selector'", "'spec':{'strategy':{'rollingUpdate':{'maxUnavailable':0,"
                                + "'maxSurge':0}},'selector'")));
    }

    @Test
    void deploymentTemplateMustRestartAlways() {
        assertEquals(List.of("spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""),
                create("apps", "deployments", deployment("{'matchLabels':{'app':'web'}}", "{'app':'web'}")
                        .replace("'containers'", "'restartPolicy':'Never','containers'")));
    }

    @Test
    void statefulSetAndDaemonSetSelectors() {
        String ss = "{'metadata':{'name':'db','namespace':'d'},'spec':{'serviceName':'db','selector':{'matchLabels':"
                + "{'app':'db'}},'template':{'metadata':{'labels':{'app':'db'}},'spec':{'containers':[{'name':'db','image':'pg'}]}}}}";
        assertEquals(List.of(), create("apps", "statefulsets", ss));
        assertEquals(List.of("spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"),
                create("apps", "statefulsets", ss.replace("'serviceName'", "'podManagementPolicy':'Random','serviceName'")));
        String ds = ss.replace("'serviceName':'db',", "");
        assertEquals(List.of(), create("apps", "daemonsets", ds));
        assertEquals(List.of("spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, "
                + "IntVal:1, StrVal:\"\"}: may not be set when maxUnavailable is non-zero"),
                create("apps", "daemonsets", ds.replace("'selector'", "'updateStrategy':{'rollingUpdate':{'maxSurge':1}},'selector'")));
    }

    @Test
    void deploymentSelectorIsImmutable() {
        String old = deployment("{'matchLabels':{'app':'web'}}", "{'app':'web','v':'1'}")
                .replace("'namespace'", "'resourceVersion':'1','namespace'");
        String changed = old.replace("{'matchLabels':{'app':'web'}}", "{'matchLabels':{'app':'web','v':'1'}}");
        List<String> errs = update("apps", "deployments", changed, old);
        assertEquals(List.of("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":"
                + "\"web\", \"v\":\"1\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"), errs);
    }

    // ---------------------------------------------------------------- batch

    private static String job(String restartPolicy) {
        return "{'metadata':{'name':'pi','namespace':'default','uid':'u1'},'spec':{'template':{'spec':{"
                + (restartPolicy == null ? "" : "'restartPolicy':'" + restartPolicy + "',")
                + "'containers':[{'name':'pi','image':'perl'}]}}}}";
    }

    private static List<String> createJob(String body) {
        ObjectNode o = json(body);
        Defaulters.forResource("batch", "jobs").apply(o);
        io.karst.apiserver.defaults.BatchDefaults.generateJobSelector(o, "u1");
        return texts(Validators.forResource("batch", "jobs").validateCreate(o));
    }

    @Test
    void jobTemplateMustNotRestartAlways() {
        assertEquals(List.of(), createJob(job("Never")));
        assertEquals(List.of("spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""),
                createJob(job(null)));
    }

    @Test
    void cronJobScheduleSyntaxAndNameLength() {
        String cj = "{'metadata':{'name':'tick','namespace':'d'},'spec':{'schedule':'%s','jobTemplate':{'spec':{"
                + "'template':{'spec':{'restartPolicy':'OnFailure','containers':[{'name':'c','image':'busybox'}]}}}}}}";
        assertEquals(List.of(), create("batch", "cronjobs", cj.formatted("*/5 * * * *")));
        assertEquals(List.of("spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found 3: [* * *]"),
                create("batch", "cronjobs", cj.formatted("* * *")));
        assertEquals(List.of("spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61"),
                create("batch", "cronjobs", cj.formatted("61 * * * *")));
        assertEquals(List.of("metadata.name: Invalid value: \"" + "c".repeat(53) + "\": must be no more than 52 characters"),
                create("batch", "cronjobs", cj.formatted("@hourly").replace("'tick'", "'" + "c".repeat(53) + "'")));
    }

    // ---------------------------------------------------------------- networking, rbac, coordination

    @Test
    void ingressPathsNeedAPathTypeAndBackend() {
        String ing = "{'metadata':{'name':'i','namespace':'d'},'spec':{'rules':[{'host':'example.com','http':{'paths':["
                + "{'path':'/','pathType':'Prefix','backend':{'service':{'name':'web','port':{'number':80}}}}]}}]}}";
        assertEquals(List.of(), create("networking.k8s.io", "ingresses", ing));
        assertEquals(List.of("spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"),
                create("networking.k8s.io", "ingresses", ing.replace("'pathType':'Prefix',", "")));
        assertEquals(List.of("spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address"),
                create("networking.k8s.io", "ingresses", ing.replace("example.com", "10.0.0.1")));
    }

    @Test
    void rbacRulesNeedVerbsAndBindingsAValidRoleRef() {
        assertEquals(List.of(), create("rbac.authorization.k8s.io", "roles", "{'metadata':{'name':'system:reader',"
                + "'namespace':'d'},'rules':[{'apiGroups':[''],'resources':['pods'],'verbs':['get']}]}"));
        assertEquals(List.of("rules[0].verbs: Required value: verbs must contain at least one value"),
                create("rbac.authorization.k8s.io", "roles", "{'metadata':{'name':'r','namespace':'d'},"
                        + "'rules':[{'apiGroups':[''],'resources':['pods']}]}"));
        assertEquals(List.of("roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\""),
                create("rbac.authorization.k8s.io", "clusterrolebindings", "{'metadata':{'name':'b'},"
                        + "'roleRef':{'kind':'Role','name':'r'}}"));
    }

    @Test
    void roleRefCannotChange() {
        String old = "{'metadata':{'name':'b','namespace':'d','resourceVersion':'1'},'roleRef':{'kind':'Role','name':'r'}}";
        assertEquals(List.of("roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", "
                + "Kind:\"ClusterRole\", Name:\"r\"}: cannot change roleRef"),
                update("rbac.authorization.k8s.io", "rolebindings", old.replace("'Role'", "'ClusterRole'"), old));
    }

    @Test
    void leaseDurationMustBePositive() {
        assertEquals(List.of("spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"),
                create("coordination.k8s.io", "leases", "{'metadata':{'name':'l','namespace':'d'},"
                        + "'spec':{'leaseDurationSeconds':0}}"));
    }

    @Test
    void pvcNeedsAccessModesAndStorage() {
        assertEquals(List.of("spec.accessModes: Required value: at least 1 access mode is required",
                "spec.resources.requests[storage]: Required value"),
                create("", "persistentvolumeclaims", "{'metadata':{'name':'c','namespace':'d'},'spec':{}}"));
    }

    @Test
    void nodeTaintsNeedAnEffect() {
        assertEquals(List.of("spec.taints[0].effect: Required value"),
                create("", "nodes", "{'metadata':{'name':'n1'},'spec':{'taints':[{'key':'k'}]}}"));
    }

    @Test
    void eventNamespaceMustMatchTheInvolvedObject() {
        assertEquals(List.of("involvedObject.namespace: Invalid value: \"other\": does not match event.namespace"),
                create("", "events", "{'metadata':{'name':'e','namespace':'d'},'involvedObject':{'kind':'Pod',"
                        + "'namespace':'other','name':'p'}}"));
    }

    @Test
    void customResourcesGetPathSegmentNames() {
        ResourceValidator v = Validators.forResource("example.com", "widgets", true);
        assertEquals(List.of("metadata.name: Invalid value: \"a/b\": may not contain '/'"),
                texts(v.validateCreate(json("{'metadata':{'name':'a/b','namespace':'d'}}"))));
        assertEquals(List.of("metadata.namespace: Required value"),
                texts(v.validateCreate(json("{'metadata':{'name':'Any Name'}}"))));
    }
}
