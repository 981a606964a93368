package io.karst.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.karst.api.security.UserInfo;
import io.karst.apiserver.status.ApiException;

class AccessReviewsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final UserInfo ALICE = new UserInfo("alice", "", List.of("system:authenticated"), Map.of());

    private final InMemoryObjects objects = new InMemoryObjects()
            .add("{'kind':'ClusterRole','metadata':{'name':'pod-reader'},'rules':[{'apiGroups':[''],"
                    + "'resources':['pods'],'verbs':['get','list']}]}")
            .add("{'kind':'RoleBinding','metadata':{'name':'b','namespace':'team'},'roleRef':{'kind':'ClusterRole',"
                    + "'name':'pod-reader'},'subjects':[{'kind':'User','name':'alice'}]}");
    private final AccessReviews reviews;

    AccessReviewsTest() {
        AuthorizationChain chain = new AuthorizationChain();
        RbacAuthorizer rbac = new RbacAuthorizer(objects);
        chain.add(rbac, 1, 1);
        reviews = new AccessReviews(chain, rbac, List.of());
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    @Test
    void aSelfSubjectAccessReviewAnswersForTheCaller() throws Exception {
        JsonNode yes = reviews.answer("selfsubjectaccessreviews", null, ALICE, json("{'spec':{'resourceAttributes':"
                + "{'namespace':'team','verb':'list','resource':'pods'}}}"));
        assertEquals("SelfSubjectAccessReview", yes.path("kind").asText());
        assertEquals("authorization.k8s.io/v1", yes.path("apiVersion").asText());
        assertTrue(yes.path("status").path("allowed").asBoolean());
        assertTrue(yes.path("status").path("reason").asText().contains("RoleBinding \"b/team\""));
        JsonNode no = reviews.answer("selfsubjectaccessreviews", null, ALICE, json("{'spec':{'resourceAttributes':"
                + "{'namespace':'other','verb':'list','resource':'pods'}}}"));
        assertEquals("{\"allowed\":false}", no.path("status").toString());
    }

    @Test
    void aSubjectAccessReviewAnswersForTheNamedUserAndNeedsOne() throws Exception {
        JsonNode r = reviews.answer("subjectaccessreviews", null, ALICE, json("{'spec':{'user':'bob',"
                + "'resourceAttributes':{'namespace':'team','verb':'list','resource':'pods'}}}"));
        assertEquals(false, r.path("status").path("allowed").asBoolean());
        ApiException e = assertThrows(ApiException.class, () -> reviews.answer("subjectaccessreviews", null, ALICE,
                json("{'spec':{'resourceAttributes':{'verb':'list','resource':'pods'}}}")));
        assertEquals(422, e.code());
        assertEquals("SubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.user: Invalid value: \"\": at "
                + "least one of user or group must be specified", e.getMessage());
    }

    @Test
    void exactlyOneKindOfAttributes() {
        ApiException e = assertThrows(ApiException.class, () -> reviews.answer("selfsubjectaccessreviews", null,
                ALICE, json("{'spec':{}}")));
        assertEquals(422, e.code());
    }

    @Test
    void aLocalReviewMustAskAboutItsOwnNamespace() throws Exception {
        JsonNode r = reviews.answer("localsubjectaccessreviews", "team", ALICE, json("{'spec':{'user':'alice',"
                + "'resourceAttributes':{'namespace':'team','verb':'get','resource':'pods'}}}"));
        assertTrue(r.path("status").path("allowed").asBoolean());
        assertEquals(422, assertThrows(ApiException.class, () -> reviews.answer("localsubjectaccessreviews", "team",
                ALICE, json("{'spec':{'user':'alice','resourceAttributes':{'namespace':'x','verb':'get',"
                        + "'resource':'pods'}}}"))).code());
    }

    @Test
    void rulesAndWhoAmI() throws Exception {
        JsonNode rules = reviews.answer("selfsubjectrulesreviews", null, ALICE, json("{'spec':{'namespace':'team'}}"));
        assertEquals("[{\"verbs\":[\"get\",\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]",
                rules.path("status").path("resourceRules").toString());
        assertEquals(false, rules.path("status").path("incomplete").asBoolean());
        JsonNode me = reviews.answer("selfsubjectreviews", null, ALICE, json("{}"));
        assertEquals("authentication.k8s.io/v1", me.path("apiVersion").asText());
        assertEquals("{\"username\":\"alice\",\"groups\":[\"system:authenticated\"]}",
                me.path("status").path("userInfo").toString());
    }
}
