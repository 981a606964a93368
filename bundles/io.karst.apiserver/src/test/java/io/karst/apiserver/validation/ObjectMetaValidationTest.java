package io.karst.apiserver.validation;

import static io.karst.apiserver.validation.Objects.json;
import static io.karst.apiserver.validation.Objects.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ObjectMetaValidationTest {
    private static final FieldPath META = FieldPath.root("metadata");

    private static List<String> create(String meta, boolean namespaced, NameRule rule) {
        return texts(ObjectMetaValidation.validate(json(meta), namespaced, rule, META));
    }

    @Test
    void validMetadataPasses() {
        assertEquals(List.of(), create("{'name':'web','namespace':'default','labels':{'app':'web'},"
                + "'annotations':{'example.com/x':'y'},'finalizers':['example.com/f']}", true, NameRule.DNS_SUBDOMAIN));
    }

    @Test
    void missingNameAndNamespaceAreRequired() {
        assertEquals(List.of("metadata.name: Required value: name or generateName is required",
                "metadata.namespace: Required value"), create("{}", true, NameRule.DNS_SUBDOMAIN));
    }

    @Test
    void namespaceIsForbiddenOnClusterScopedTypes() {
        assertEquals(List.of("metadata.namespace: Forbidden: not allowed on this type"),
                create("{'name':'n1','namespace':'x'}", false, NameRule.NODE));
    }

    /** Upstream's regex messages put a double space before "or" between examples; kept as is. */
    @Test
    void generateNameMayEndInADash() {
        assertEquals(List.of(), create("{'generateName':'web-','name':'web-x7k2p','namespace':'d'}", true,
                NameRule.DNS_SUBDOMAIN));
        assertEquals(List.of("metadata.generateName: Invalid value: \"Web-\": a lowercase RFC 1123 label must consist "
                + "of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character "
                + "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
                create("{'generateName':'Web-','name':'web-x'}", false, NameRule.DNS_LABEL));
    }

    @Test
    void namespaceNamesAreLabelsWithoutDots() {
        assertEquals(List.of("metadata.name: Invalid value: \"a.b\": must not contain dots"),
                create("{'name':'a.b'}", false, NameRule.DNS_LABEL));
    }

    @Test
    void serviceNamesMustStartWithALetter() {
        assertEquals(List.of("metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case "
                + "alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric "
                + "character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"),
                create("{'name':'1web','namespace':'d'}", true, NameRule.DNS1035_LABEL));
    }

    @Test
    void pathSegmentNamesRejectDotsAndSlashes() {
        assertEquals(List.of("metadata.name: Invalid value: \"..\": may not be '..'"),
                create("{'name':'..'}", false, NameRule.PATH_SEGMENT));
        assertEquals(List.of("metadata.name: Invalid value: \"a/b%\": may not contain '/'",
                "metadata.name: Invalid value: \"a/b%\": may not contain '%'"),
                create("{'name':'a/b%'}", false, NameRule.PATH_SEGMENT));
        assertEquals(List.of(), create("{'name':'system:controller:Foo'}", false, NameRule.PATH_SEGMENT));
    }

    @Test
    void badLabelKeyAndValueAreReportedAtTheLabelsField() {
        List<String> errs = create("{'name':'x','labels':{'-bad':'ok','good':'not ok'}}", false, NameRule.DNS_SUBDOMAIN);
        assertEquals(2, errs.size());
        assertTrue(errs.get(0).startsWith("metadata.labels: Invalid value: \"-bad\": name part must consist of "
                + "alphanumeric characters"), errs.get(0));
        assertTrue(errs.get(1).startsWith("metadata.labels: Invalid value: \"not ok\": a valid label must be an empty "
                + "string or consist of alphanumeric characters"), errs.get(1));
    }

    @Test
    void labelValuesLongerThan63AreRejected() {
        String v = "a".repeat(64);
        List<String> errs = create("{'name':'x','labels':{'k':'" + v + "'}}", false, NameRule.DNS_SUBDOMAIN);
        assertEquals("metadata.labels: Invalid value: \"" + v + "\": must be no more than 63 characters", errs.get(0));
    }

    @Test
    void annotationsLargerThan256KiBAreTooLong() {
        String big = "x".repeat(262144);
        assertEquals(List.of("metadata.annotations: Too long: may not be more than 262144 bytes"),
                create("{'name':'x','annotations':{'k':'" + big + "'}}", false, NameRule.DNS_SUBDOMAIN));
    }

    @Test
    void twoControllerOwnersAreRejected() {
        List<String> errs = create("{'name':'x','ownerReferences':["
                + "{'apiVersion':'apps/v1','kind':'ReplicaSet','name':'a','uid':'1','controller':true},"
                + "{'apiVersion':'apps/v1','kind':'ReplicaSet','name':'b','uid':'2','controller':true}]}",
                false, NameRule.DNS_SUBDOMAIN);
        assertEquals(1, errs.size());
        assertTrue(errs.get(0).startsWith("metadata.ownerReferences: Invalid value: []v1.OwnerReference{"), errs.get(0));
        assertTrue(errs.get(0).endsWith(": Only one reference can have Controller set to true. Found \"true\" in "
                + "references for ReplicaSet/a and ReplicaSet/b"), errs.get(0));
    }

    @Test
    void ownerReferenceFieldsAreRequired() {
        assertEquals(List.of("metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must not be empty",
                "metadata.ownerReferences.kind: Invalid value: \"\": kind must not be empty",
                "metadata.ownerReferences.name: Invalid value: \"\": name must not be empty",
                "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty"),
                create("{'name':'x','ownerReferences':[{'apiVersion':'apps/'}]}", false, NameRule.DNS_SUBDOMAIN));
    }

    @Test
    void unqualifiedFinalizersMustBeStandard() {
        assertEquals(List.of("metadata.finalizers[0]: Invalid value: \"cleanup\": name is neither a standard finalizer "
                + "name nor is it fully qualified"),
                create("{'name':'x','finalizers':['cleanup','kubernetes']}", false, NameRule.DNS_SUBDOMAIN));
        assertEquals(List.of("metadata.finalizers: Invalid value: []string{\"orphan\", \"foregroundDeletion\"}: "
                + "finalizer orphan and foregroundDeletion cannot be both set"),
                create("{'name':'x','finalizers':['orphan','foregroundDeletion']}", false, NameRule.DNS_SUBDOMAIN));
    }

    @Test
    void updateMayNotChangeIdentityFields() {
        String old = "{'name':'a','namespace':'d','uid':'u1','resourceVersion':'5','creationTimestamp':'2025-01-02T03:04:05Z'}";
        String changed = "{'name':'b','namespace':'d','uid':'u2','resourceVersion':'5','creationTimestamp':'2025-01-02T03:04:06Z'}";
        assertEquals(List.of("metadata.name: Invalid value: \"b\": field is immutable",
                "metadata.uid: Invalid value: \"u2\": field is immutable",
                "metadata.creationTimestamp: Invalid value: 2025-01-02 03:04:06 +0000 UTC: field is immutable"),
                texts(ObjectMetaValidation.validateUpdate(json(changed), json(old), META)));
    }

    @Test
    void updateNeedsAResourceVersionAndNoNewFinalizersWhileDeleting() {
        String old = "{'name':'a','deletionTimestamp':'2025-01-02T03:04:05Z','finalizers':['example.com/a']}";
        String n = "{'name':'a','deletionTimestamp':'2025-01-02T03:04:05Z','finalizers':['example.com/a','example.com/b']}";
        assertEquals(List.of("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being "
                + "deleted, found new finalizers []string{\"example.com/b\"}",
                "metadata.resourceVersion: Invalid value: \"\": must be specified for an update"),
                texts(ObjectMetaValidation.validateUpdate(json(n), json(old), META)));
    }
}
