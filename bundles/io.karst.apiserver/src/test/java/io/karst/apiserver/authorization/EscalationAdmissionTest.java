package io.karst.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.security.UserInfo;
import io.karst.apiserver.resource.BuiltinResources;
import io.karst.apiserver.resource.ResourceRegistry;
import io.karst.apiserver.resource.ResourceType;
import io.karst.apiserver.status.ApiException;

class EscalationAdmissionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceRegistry REGISTRY = new ResourceRegistry(BuiltinResources.all());
    private static final UserInfo ALICE = new UserInfo("alice", "", List.of("devs", "system:authenticated"),
            Map.of());
    private static final UserInfo ADMIN = new UserInfo("admin", "", List.of("system:masters"), Map.of());

    private final InMemoryObjects objects = new InMemoryObjects()
            // alice may write roles and bindings in team (not escalate or bind: '*' would include them), and reads pods
            // and configmaps there
            .add("{'kind':'Role','metadata':{'name':'rbac-writer','namespace':'team'},'rules':[{'apiGroups':"
                    + "['rbac.authorization.k8s.io'],'resources':['roles','rolebindings'],'verbs':['create','update']},"
                    + "{'apiGroups':[''],'resources':['pods','configmaps'],'verbs':['get','list']}]}")
            .add("{'kind':'RoleBinding','metadata':{'name':'alice','namespace':'team'},'roleRef':{'kind':'Role',"
                    + "'name':'rbac-writer'},'subjects':[{'kind':'User','name':'alice'}]}")
            .add("{'kind':'ClusterRole','metadata':{'name':'pod-reader'},'rules':[{'apiGroups':[''],"
                    + "'resources':['pods'],'verbs':['get','list']}]}")
            .add("{'kind':'ClusterRole','metadata':{'name':'secret-reader'},'rules':[{'apiGroups':[''],"
                    + "'resources':['secrets'],'verbs':['get','list']}]}");
    private final AuthorizationChain chain = new AuthorizationChain();
    private final RbacAuthorizer rbac = new RbacAuthorizer(objects);
    private final EscalationAdmission admission = new EscalationAdmission();

    EscalationAdmissionTest() {
        chain.add(rbac, RbacAuthorizer.RANKING, 1);
        admission.enforce(chain, rbac, objects);
    }

    private static ResourceType rbacType(String plural) {
        return REGISTRY.find("rbac.authorization.k8s.io", "v1", plural).orElseThrow();
    }

    private static ObjectNode object(String json) {
        try {
            return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    private static ObjectNode role(String rules) {
        return object("{'kind':'Role','metadata':{'name':'r','namespace':'team'},'rules':" + rules + "}");
    }

    private static ObjectNode binding(String roleKind, String roleName) {
        return object("{'kind':'RoleBinding','metadata':{'name':'b','namespace':'team'},'roleRef':{'apiGroup':"
                + "'rbac.authorization.k8s.io','kind':'" + roleKind + "','name':'" + roleName + "'},'subjects':[{"
                + "'kind':'User','name':'bob'}]}");
    }

    private static void as(UserInfo user, Runnable write) {
        RequestUser.actingAs(user, () -> {
            write.run();
            return null;
        });
    }

    private static ApiException refused(UserInfo user, Runnable write) {
        Executable e = () -> as(user, write);
        return assertThrows(ApiException.class, e);
    }

    @Test
    void aRoleWithRulesTheUserHoldsIsAdmitted() {
        as(ALICE, () -> admission.admitCreate(rbacType("roles"),
                role("[{'apiGroups':[''],'resources':['pods'],'verbs':['get']}]")));
    }

    @Test
    void aRoleGrantingMoreIsRefusedInUpstreamsWords() {
        ApiException e = refused(ALICE, () -> admission.admitCreate(rbacType("roles"), role("[{'apiGroups':[''],"
                + "'resources':['pods','secrets'],'verbs':['get','delete']}]")));
        assertEquals(403, e.code());
        assertEquals("roles.rbac.authorization.k8s.io \"r\" is forbidden: user \"alice\" (groups=[\"devs\" "
                + "\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
                + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}\n"
                + "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"delete\"]}", e.getMessage());
        assertEquals("roles", e.details().kind());
    }

    @Test
    void rulesHeldInAnotherNamespaceDoNotCount() {
        ObjectNode elsewhere = object("{'kind':'Role','metadata':{'name':'r','namespace':'other'},'rules':[{"
                + "'apiGroups':[''],'resources':['pods'],'verbs':['get']}]}");
        refused(ALICE, () -> admission.admitCreate(rbacType("roles"), elsewhere));
    }

    @Test
    void theEscalateVerbLetsAUserGrantWhatTheyLack() {
        objects.add("{'kind':'ClusterRole','metadata':{'name':'escalator'},'rules':[{'apiGroups':"
                + "['rbac.authorization.k8s.io'],'resources':['roles'],'verbs':['escalate']}]}")
                .add("{'kind':'ClusterRoleBinding','metadata':{'name':'e'},'roleRef':{'kind':'ClusterRole','name':"
                        + "'escalator'},'subjects':[{'kind':'User','name':'alice'}]}");
        as(ALICE, () -> admission.admitCreate(rbacType("roles"),
                role("[{'apiGroups':['*'],'resources':['*'],'verbs':['*']}]")));
    }

    @Test
    void mastersAndTheServersOwnWritesAreNotChecked() {
        ObjectNode everything = role("[{'apiGroups':['*'],'resources':['*'],'verbs':['*']}]");
        as(ADMIN, () -> admission.admitCreate(rbacType("roles"), everything));
        admission.admitCreate(rbacType("roles"), everything);
    }

    @Test
    void anUpdateAddingRulesIsRefusedButOneTouchingOnlyFinalizersIsNot() {
        ObjectNode old = role("[{'apiGroups':[''],'resources':['secrets'],'verbs':['get']}]");
        ObjectNode wider = role("[{'apiGroups':[''],'resources':['secrets'],'verbs':['get','list']}]");
        refused(ALICE, () -> admission.admitUpdate(rbacType("roles"), null, wider, old));
        ObjectNode finalizers = old.deepCopy();
        ((ObjectNode) finalizers.get("metadata")).putArray("finalizers").add("example.com/keep");
        as(ALICE, () -> admission.admitUpdate(rbacType("roles"), null, finalizers, old));
        ObjectNode labelled = old.deepCopy();
        ((ObjectNode) labelled.get("metadata")).putObject("labels").put("a", "b");
        refused(ALICE, () -> admission.admitUpdate(rbacType("roles"), null, labelled, old));
    }

    @Test
    void anAggregationRuleNeedsClusterAdmin() {
        objects.add("{'kind':'ClusterRole','metadata':{'name':'cr-writer'},'rules':[{'apiGroups':"
                + "['rbac.authorization.k8s.io'],'resources':['clusterroles'],'verbs':['create']}]}")
                .add("{'kind':'ClusterRoleBinding','metadata':{'name':'w'},'roleRef':{'kind':'ClusterRole','name':"
                        + "'cr-writer'},'subjects':[{'kind':'User','name':'alice'}]}");
        ObjectNode aggregated = object("{'kind':'ClusterRole','metadata':{'name':'agg'},'aggregationRule':{"
                + "'clusterRoleSelectors':[{'matchLabels':{'x':'y'}}]},'rules':[]}");
        ApiException e = refused(ALICE, () -> admission.admitCreate(rbacType("clusterroles"), aggregated));
        assertEquals("clusterroles.rbac.authorization.k8s.io \"agg\" is forbidden: must have cluster-admin "
                + "privileges to use the aggregationRule", e.getMessage());
    }

    @Test
    void aBindingToARoleTheUserHoldsIsAdmittedAndToMoreIsRefused() {
        as(ALICE, () -> admission.admitCreate(rbacType("rolebindings"), binding("ClusterRole", "pod-reader")));
        ApiException e = refused(ALICE, () -> admission.admitCreate(rbacType("rolebindings"),
                binding("ClusterRole", "secret-reader")));
        assertEquals("rolebindings.rbac.authorization.k8s.io \"b\" is forbidden: user \"alice\" (groups=[\"devs\" "
                + "\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
                + "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\"]}", e.getMessage());
    }

    @Test
    void theBindVerbOnTheRoleLetsAUserBindIt() {
        objects.add("{'kind':'ClusterRole','metadata':{'name':'binder'},'rules':[{'apiGroups':"
                + "['rbac.authorization.k8s.io'],'resources':['clusterroles'],'verbs':['bind'],"
                + "'resourceNames':['secret-reader']}]}")
                .add("{'kind':'RoleBinding','metadata':{'name':'bb','namespace':'team'},'roleRef':{'kind':"
                        + "'ClusterRole','name':'binder'},'subjects':[{'kind':'User','name':'alice'}]}");
        as(ALICE, () -> admission.admitCreate(rbacType("rolebindings"), binding("ClusterRole", "secret-reader")));
        objects.add("{'kind':'ClusterRole','metadata':{'name':'node-reader'},'rules':[{'apiGroups':[''],"
                + "'resources':['nodes'],'verbs':['get']}]}");
        refused(ALICE, () -> admission.admitCreate(rbacType("rolebindings"), binding("ClusterRole", "node-reader")));
    }

    @Test
    void aBindingToAMissingRoleIsNotFound() {
        ApiException e = refused(ALICE, () -> admission.admitCreate(rbacType("rolebindings"),
                binding("Role", "nope")));
        assertEquals(404, e.code());
        assertEquals("role.rbac.authorization.k8s.io \"nope\" not found", e.getMessage());
    }

    @Test
    void clusterRoleBindingsAreCheckedAgainstClusterWideRulesOnly() {
        ObjectNode crb = object("{'kind':'ClusterRoleBinding','metadata':{'name':'c'},'roleRef':{'apiGroup':"
                + "'rbac.authorization.k8s.io','kind':'ClusterRole','name':'pod-reader'},'subjects':[]}");
        ApiException e = refused(ALICE, () -> admission.admitCreate(rbacType("clusterrolebindings"), crb));
        assertEquals("clusterrolebindings.rbac.authorization.k8s.io \"c\" is forbidden: user \"alice\" (groups=["
                + "\"devs\" \"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
                + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\" \"list\"]}", e.getMessage());
    }
}
