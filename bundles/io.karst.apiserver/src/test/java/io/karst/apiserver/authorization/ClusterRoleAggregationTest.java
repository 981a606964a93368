package io.karst.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class ClusterRoleAggregationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode role(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
    }

    @Test
    void anAggregatedRoleHasTheRulesOfTheRolesItsSelectorsMatchEachOnce() throws Exception {
        ObjectNode monitoring = role("{'metadata':{'name':'monitoring'},'aggregationRule':{'clusterRoleSelectors':["
                + "{'matchLabels':{'rbac.example.com/aggregate-to-monitoring':'true'}},"
                + "{'matchExpressions':[{'key':'tier','operator':'In','values':['ops']}]}]}}");
        ObjectNode a = role("{'metadata':{'name':'a','labels':{'rbac.example.com/aggregate-to-monitoring':'true'}},"
                + "'rules':[{'apiGroups':[''],'resources':['pods'],'verbs':['get']}]}");
        ObjectNode b = role("{'metadata':{'name':'b','labels':{'tier':'ops'}},'rules':[{'apiGroups':[''],"
                + "'resources':['pods'],'verbs':['get']},{'apiGroups':[''],'resources':['nodes'],'verbs':['list']}]}");
        ObjectNode c = role("{'metadata':{'name':'c','labels':{'tier':'dev'}},'rules':[{'apiGroups':['*'],"
                + "'resources':['*'],'verbs':['*']}]}");
        assertEquals("[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\"]},"
                + "{\"apiGroups\":[\"\"],\"resources\":[\"nodes\"],\"verbs\":[\"list\"]}]",
                ClusterRoleAggregation.aggregatedRules(monitoring, List.of(a, b, c, monitoring)).toString());
    }

    @Test
    void viewEditAndAdminAggregateFromTheBootstrapRoles() {
        BootstrapPolicy policy = BootstrapPolicy.load();
        List<ObjectNode> all = policy.clusterRoles().stream().map(ObjectNode::deepCopy).toList();
        // aggregate until nothing changes, as the controller does on every update: admin includes edit, edit view
        for (int pass = 0; pass < 3; pass++) {
            for (ObjectNode r : all) {
                if (r.has("aggregationRule")) {
                    r.set("rules", ClusterRoleAggregation.aggregatedRules(r, all));
                }
            }
        }
        ObjectNode view = all.stream().filter(r -> r.path("metadata").path("name").asText().equals("view"))
                .findFirst().orElseThrow();
        ObjectNode admin = all.stream().filter(r -> r.path("metadata").path("name").asText().equals("admin"))
                .findFirst().orElseThrow();
        assertEquals(policy.rules("system:aggregate-to-view"), PolicyRule.all(view.path("rules")));
        // upstream's admin: aggregate-to-admin, then edit's (aggregate-to-edit, then view's) rules
        assertEquals(2 + 13 + 10, admin.path("rules").size());
    }
}
