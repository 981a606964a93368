package io.karst.apiserver.defaults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.apiserver.validation.NameGenerator;
import io.karst.apiserver.validation.Validators;

/** Defaults compared field by field with what a Kubernetes 1.33 server stores for the same request. */
class DefaultsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode defaulted(String group, String resource, String body) {
        ObjectNode o = json(body);
        Defaulters.forResource(group, resource).apply(o);
        return o;
    }

    /** What {@code kubectl create deployment nginx --image=nginx} sends, and the spec {@code get -o yaml} shows. */
    @Test
    void kubectlCreateDeploymentGetsUpstreamSpec() {
        ObjectNode d = defaulted("apps", "deployments", "{'apiVersion':'apps/v1','kind':'Deployment',"
                + "'metadata':{'name':'nginx','namespace':'default','labels':{'app':'nginx'}},"
                + "'spec':{'replicas':1,'selector':{'matchLabels':{'app':'nginx'}},'strategy':{},"
                + "'template':{'metadata':{'creationTimestamp':null,'labels':{'app':'nginx'}},"
                + "'spec':{'containers':[{'image':'nginx','name':'nginx','resources':{}}]}}}}");
        assertEquals(json("{'progressDeadlineSeconds':600,'replicas':1,'revisionHistoryLimit':10,"
                + "'selector':{'matchLabels':{'app':'nginx'}},"
                + "'strategy':{'rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'},'type':'RollingUpdate'},"
                + "'template':{'metadata':{'creationTimestamp':null,'labels':{'app':'nginx'}},'spec':{"
                + "'containers':[{'image':'nginx','imagePullPolicy':'Always','name':'nginx','resources':{},"
                + "'terminationMessagePath':'/dev/termination-log','terminationMessagePolicy':'File'}],"
                + "'dnsPolicy':'ClusterFirst','restartPolicy':'Always','schedulerName':'default-scheduler',"
                + "'securityContext':{},'terminationGracePeriodSeconds':30}}}"), d.get("spec"));
        assertTrue(Validators.forResource("apps", "deployments").validateCreate(d).isEmpty());
    }

    /** {@code kubectl run web --image=nginx:1.27 --port=80}: spec defaults plus the admission steps. */
    @Test
    void kubectlRunPodGetsUpstreamSpec() {
        ObjectNode pod = defaulted("", "pods", "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web',"
                + "'namespace':'default','labels':{'run':'web'}},'spec':{'containers':[{'image':'nginx:1.27',"
                + "'name':'web','ports':[{'containerPort':80}],'resources':{}}],'dnsPolicy':'ClusterFirst',"
                + "'restartPolicy':'Always'}}");
        PodAdmission admission = new PodAdmission(name -> Optional.empty(), new NameGenerator(new Random(7)));
        assertEquals(Optional.empty(), admission.admit(pod));
        ObjectNode spec = (ObjectNode) pod.get("spec");
        String volume = spec.at("/volumes/0/name").asText();
        assertTrue(volume.matches("kube-api-access-[" + NameGenerator.ALPHABET + "]{5}"), volume);
        assertEquals(json("{'containers':[{'image':'nginx:1.27','imagePullPolicy':'IfNotPresent','name':'web',"
                + "'ports':[{'containerPort':80,'protocol':'TCP'}],'resources':{},"
                + "'terminationMessagePath':'/dev/termination-log','terminationMessagePolicy':'File',"
                + "'volumeMounts':[{'mountPath':'/var/run/secrets/kubernetes.io/serviceaccount','name':'" + volume
                + "','readOnly':true}]}],'dnsPolicy':'ClusterFirst','enableServiceLinks':true,"
                + "'preemptionPolicy':'PreemptLowerPriority','priority':0,'restartPolicy':'Always',"
                + "'schedulerName':'default-scheduler','securityContext':{},'serviceAccount':'default',"
                + "'serviceAccountName':'default','terminationGracePeriodSeconds':30,'tolerations':["
                + "{'effect':'NoExecute','key':'node.kubernetes.io/not-ready','operator':'Exists','tolerationSeconds':300},"
                + "{'effect':'NoExecute','key':'node.kubernetes.io/unreachable','operator':'Exists','tolerationSeconds':300}],"
                + "'volumes':[{'name':'" + volume + "','projected':{'defaultMode':420,'sources':["
                + "{'serviceAccountToken':{'expirationSeconds':3607,'path':'token'}},"
                + "{'configMap':{'items':[{'key':'ca.crt','path':'ca.crt'}],'name':'kube-root-ca.crt'}},"
                + "{'downwardAPI':{'items':[{'fieldRef':{'apiVersion':'v1','fieldPath':'metadata.namespace'},"
                + "'path':'namespace'}]}}]}}]}"), spec);
        Defaulters.prepareForCreate("", "pods", pod);
        assertEquals(json("{'phase':'Pending','qosClass':'BestEffort'}"), pod.get("status"));
        assertTrue(Validators.forResource("", "pods").validateCreate(pod).isEmpty(),
                () -> Validators.forResource("", "pods").validateCreate(pod).toString());
    }

    @Test
    void tolerationsTheUserGaveAreKept() {
        ObjectNode spec = json("{'tolerations':[{'key':'node.kubernetes.io/not-ready','operator':'Exists',"
                + "'effect':'NoExecute','tolerationSeconds':10}]}");
        PodAdmission.defaultTolerations(spec);
        assertEquals(2, spec.get("tolerations").size());
        assertEquals(10, spec.at("/tolerations/0/tolerationSeconds").asInt());
        assertEquals("node.kubernetes.io/unreachable", spec.at("/tolerations/1/key").asText());
    }

    @Test
    void unknownPriorityClassIsRefused() {
        ObjectNode pod = json("{'spec':{'priorityClassName':'gold','containers':[]}}");
        assertEquals(Optional.of("no PriorityClass with name gold was found"), new PodAdmission().admit(pod));
        ObjectNode critical = json("{'spec':{'priorityClassName':'system-node-critical','containers':[]}}");
        assertEquals(Optional.empty(), new PodAdmission().admit(critical));
        assertEquals(2000001000, critical.at("/spec/priority").asInt());
    }

    /** {@code kubectl create service clusterip web --tcp=80:8080} after the REST layer allocated 10.43.0.10. */
    @Test
    void clusterIpServiceGetsUpstreamSpec() {
        ObjectNode svc = defaulted("", "services", "{'metadata':{'name':'web','namespace':'default',"
                + "'labels':{'app':'web'}},'spec':{'ports':[{'name':'80-8080','port':80,'protocol':'TCP',"
                + "'targetPort':8080}],'selector':{'app':'web'},'type':'ClusterIP','clusterIP':'10.43.0.10'}}");
        assertEquals(json("{'clusterIP':'10.43.0.10','clusterIPs':['10.43.0.10'],'internalTrafficPolicy':'Cluster',"
                + "'ipFamilies':['IPv4'],'ipFamilyPolicy':'SingleStack','ports':[{'name':'80-8080','port':80,"
                + "'protocol':'TCP','targetPort':8080}],'selector':{'app':'web'},'sessionAffinity':'None',"
                + "'type':'ClusterIP'}"), svc.get("spec"));
        assertTrue(Validators.forResource("", "services").validateCreate(svc).isEmpty());
    }

    @Test
    void nodePortServiceDefaultsTargetPortAndTrafficPolicy() {
        ObjectNode svc = defaulted("", "services", "{'spec':{'type':'NodePort','ports':[{'port':80}]}}");
        assertEquals(80, svc.at("/spec/ports/0/targetPort").asInt());
        assertEquals("TCP", svc.at("/spec/ports/0/protocol").asText());
        assertEquals("Cluster", svc.at("/spec/externalTrafficPolicy").asText());
        ObjectNode lb = defaulted("", "services", "{'spec':{'type':'LoadBalancer','ports':[{'port':80}]}}");
        assertTrue(lb.at("/spec/allocateLoadBalancerNodePorts").asBoolean());
    }

    @Test
    void headlessServiceWithoutSelectorRequiresDualStack() {
        ObjectNode svc = defaulted("", "services", "{'spec':{'clusterIP':'None','ports':[{'port':80}]}}");
        assertEquals("RequireDualStack", svc.at("/spec/ipFamilyPolicy").asText());
        assertEquals(json("{'a':['IPv4','IPv6']}").get("a"), svc.at("/spec/ipFamilies"));
    }

    /** {@code kubectl create job pi --image=perl}, with the uid the server gave it. */
    @Test
    void kubectlCreateJobGetsUpstreamSpecAndGeneratedSelector() {
        ObjectNode job = defaulted("batch", "jobs", "{'metadata':{'name':'pi','namespace':'default'},"
                + "'spec':{'template':{'metadata':{'creationTimestamp':null},'spec':{'containers':[{'image':'perl',"
                + "'name':'pi','resources':{}}],'restartPolicy':'Never'}}}}");
        ((ObjectNode) job.get("metadata")).put("uid", "u-1");
        BatchDefaults.generateJobSelector(job, "u-1");
        String labels = "{'batch.kubernetes.io/controller-uid':'u-1','batch.kubernetes.io/job-name':'pi',"
                + "'controller-uid':'u-1','job-name':'pi'}";
        assertEquals(json("{'backoffLimit':6,'completionMode':'NonIndexed','completions':1,'manualSelector':false,"
                + "'parallelism':1,'podReplacementPolicy':'TerminatingOrFailed',"
                + "'selector':{'matchLabels':{'batch.kubernetes.io/controller-uid':'u-1'}},'suspend':false,"
                + "'template':{'metadata':{'creationTimestamp':null,'labels':" + labels + "},'spec':{"
                + "'containers':[{'image':'perl','imagePullPolicy':'Always','name':'pi','resources':{},"
                + "'terminationMessagePath':'/dev/termination-log','terminationMessagePolicy':'File'}],"
                + "'dnsPolicy':'ClusterFirst','restartPolicy':'Never','schedulerName':'default-scheduler',"
                + "'securityContext':{},'terminationGracePeriodSeconds':30}}}"), job.get("spec"));
        assertEquals(json(labels), job.at("/metadata/labels"));
        assertTrue(Validators.forResource("batch", "jobs").validateCreate(job).isEmpty(),
                () -> Validators.forResource("batch", "jobs").validateCreate(job).toString());
    }

    @Test
    void cronJobDefaultsHistoryAndPolicy() {
        ObjectNode cj = defaulted("batch", "cronjobs", "{'spec':{'schedule':'*/5 * * * *','jobTemplate':{"
                + "'spec':{'template':{'spec':{'containers':[{'name':'c','image':'busybox'}],'restartPolicy':'OnFailure'}}}}}}");
        assertEquals("Allow", cj.at("/spec/concurrencyPolicy").asText());
        assertEquals(3, cj.at("/spec/successfulJobsHistoryLimit").asInt());
        assertEquals(1, cj.at("/spec/failedJobsHistoryLimit").asInt());
        assertEquals(false, cj.at("/spec/suspend").asBoolean(true));
        assertTrue(cj.at("/spec/jobTemplate/metadata/creationTimestamp").isNull());
        assertEquals("ClusterFirst", cj.at("/spec/jobTemplate/spec/template/spec/dnsPolicy").asText());
        assertTrue(cj.at("/spec/jobTemplate/spec/backoffLimit").isMissingNode(), "Job defaults do not reach templates");
    }

    @Test
    void statefulSetAndDaemonSetStrategies() {
        ObjectNode ss = defaulted("apps", "statefulsets", "{'spec':{'template':{'spec':{'containers':[]}}}}");
        assertEquals(json("{'podManagementPolicy':'OrderedReady','persistentVolumeClaimRetentionPolicy':"
                + "{'whenDeleted':'Retain','whenScaled':'Retain'},'replicas':1,'revisionHistoryLimit':10,"
                + "'updateStrategy':{'rollingUpdate':{'partition':0},'type':'RollingUpdate'}}"),
                withoutTemplate(ss));
        ObjectNode ds = defaulted("apps", "daemonsets", "{'spec':{'template':{'spec':{'containers':[]}}}}");
        assertEquals(json("{'revisionHistoryLimit':10,'updateStrategy':{'rollingUpdate':{'maxSurge':0,"
                + "'maxUnavailable':1},'type':'RollingUpdate'}}"), withoutTemplate(ds));
    }

    private static ObjectNode withoutTemplate(ObjectNode o) {
        ObjectNode spec = ((ObjectNode) o.get("spec")).deepCopy();
        spec.remove("template");
        return spec;
    }

    @Test
    void imagePullPolicyFollowsTheTag() {
        assertEquals("Always", ImageReference.defaultPullPolicy("nginx"));
        assertEquals("Always", ImageReference.defaultPullPolicy("registry:5000/nginx"));
        assertEquals("Always", ImageReference.defaultPullPolicy("nginx:latest"));
        assertEquals("IfNotPresent", ImageReference.defaultPullPolicy("registry:5000/nginx:1.27"));
        assertEquals("IfNotPresent", ImageReference.defaultPullPolicy("nginx@sha256:abc"));
    }

    @Test
    void podDefaultsReachProbesVolumesEnvAndResources() {
        ObjectNode pod = defaulted("", "pods", "{'spec':{'containers':[{'name':'c','image':'x:1',"
                + "'resources':{'limits':{'cpu':'0.5','memory':'1024Mi'}},"
                + "'livenessProbe':{'httpGet':{'port':8080}},"
                + "'env':[{'name':'N','valueFrom':{'fieldRef':{'fieldPath':'metadata.name'}}}]}],"
                + "'volumes':[{'name':'a'},{'name':'s','secret':{'secretName':'s'}},{'name':'h','hostPath':{'path':'/x'}}]}}");
        assertEquals(json("{'cpu':'500m','memory':'1Gi'}"), pod.at("/spec/containers/0/resources/requests"));
        assertEquals(json("{'cpu':'500m','memory':'1Gi'}"), pod.at("/spec/containers/0/resources/limits"));
        assertEquals(json("{'failureThreshold':3,'httpGet':{'path':'/','port':8080,'scheme':'HTTP'},"
                + "'periodSeconds':10,'successThreshold':1,'timeoutSeconds':1}"), pod.at("/spec/containers/0/livenessProbe"));
        assertEquals("v1", pod.at("/spec/containers/0/env/0/valueFrom/fieldRef/apiVersion").asText());
        assertEquals(json("{'name':'a','emptyDir':{}}"), pod.at("/spec/volumes/0"));
        assertEquals(420, pod.at("/spec/volumes/1/secret/defaultMode").asInt());
        assertEquals("", pod.at("/spec/volumes/2/hostPath/type").asText("missing"));
    }

    @Test
    void namespaceGetsNameLabelPhaseAndFinalizer() {
        ObjectNode ns = defaulted("", "namespaces", "{'metadata':{'name':'team-a'}}");
        Defaulters.prepareForCreate("", "namespaces", ns);
        assertEquals(json("{'metadata':{'name':'team-a','labels':{'kubernetes.io/metadata.name':'team-a'}},"
                + "'spec':{'finalizers':['kubernetes']},'status':{'phase':'Active'}}"), ns);
    }

    @Test
    void secretGetsOpaqueTypeAndStringDataFoldedIn() {
        ObjectNode s = defaulted("", "secrets", "{'metadata':{'name':'s'},'stringData':{'user':'admin'},"
                + "'data':{'pw':'cw=='}}");
        assertEquals(json("{'metadata':{'name':'s'},'data':{'pw':'cw==','user':'YWRtaW4='},'type':'Opaque'}"), s);
    }

    @Test
    void storageAndClaimDefaults() {
        ObjectNode pvc = defaulted("", "persistentvolumeclaims", "{'spec':{'accessModes':['ReadWriteOnce'],"
                + "'resources':{'requests':{'storage':'1024Mi'}}}}");
        assertEquals("Filesystem", pvc.at("/spec/volumeMode").asText());
        assertEquals("1Gi", pvc.at("/spec/resources/requests/storage").asText());
        assertEquals("Pending", pvc.at("/status/phase").asText());
        ObjectNode pv = defaulted("", "persistentvolumes", "{'spec':{}}");
        assertEquals("Retain", pv.at("/spec/persistentVolumeReclaimPolicy").asText());
        ObjectNode sc = defaulted("storage.k8s.io", "storageclasses", "{'provisioner':'rancher.io/local-path'}");
        assertEquals("Delete", sc.get("reclaimPolicy").asText());
        assertEquals("Immediate", sc.get("volumeBindingMode").asText());
    }

    @Test
    void rbacNetworkingSchedulingAndAutoscalingDefaults() {
        ObjectNode rb = defaulted("rbac.authorization.k8s.io", "rolebindings", "{'roleRef':{'kind':'Role','name':'r'},"
                + "'subjects':[{'kind':'ServiceAccount','name':'sa'},{'kind':'User','name':'u'}]}");
        assertEquals("rbac.authorization.k8s.io", rb.at("/roleRef/apiGroup").asText());
        assertEquals("", rb.at("/subjects/0/apiGroup").asText("missing"));
        assertEquals("rbac.authorization.k8s.io", rb.at("/subjects/1/apiGroup").asText());
        ObjectNode np = defaulted("networking.k8s.io", "networkpolicies", "{'spec':{'egress':[{'ports':[{'port':53}]}]}}");
        assertEquals(json("{'t':['Ingress','Egress']}").get("t"), np.at("/spec/policyTypes"));
        assertEquals("TCP", np.at("/spec/egress/0/ports/0/protocol").asText());
        ObjectNode pc = defaulted("scheduling.k8s.io", "priorityclasses", "{'value':10}");
        assertEquals("PreemptLowerPriority", pc.get("preemptionPolicy").asText());
        ObjectNode hpa = defaulted("autoscaling", "horizontalpodautoscalers", "{'spec':{'maxReplicas':3}}");
        assertEquals(1, hpa.at("/spec/minReplicas").asInt());
        assertEquals(80, hpa.at("/spec/metrics/0/resource/target/averageUtilization").asInt());
    }

    @Test
    void updateKeepsSystemFieldsAndAllocations() {
        ObjectNode old = json("{'metadata':{'uid':'u','generation':3,'creationTimestamp':'2025-01-01T00:00:00Z'},"
                + "'spec':{'type':'NodePort','clusterIP':'10.43.0.5','clusterIPs':['10.43.0.5'],"
                + "'ports':[{'port':80,'protocol':'TCP','nodePort':30080}]}}");
        ObjectNode n = json("{'metadata':{'generation':9},'spec':{'type':'NodePort','ports':[{'port':80,'protocol':'TCP'}]}}");
        SystemFields.carryOver(n, old);
        ServiceDefaults.carryOverAllocations(n, old);
        assertEquals(json("{'uid':'u','generation':3,'creationTimestamp':'2025-01-01T00:00:00Z'}"), n.get("metadata"));
        assertEquals("10.43.0.5", n.at("/spec/clusterIP").asText());
        assertEquals(30080, n.at("/spec/ports/0/nodePort").asInt());
    }
}
