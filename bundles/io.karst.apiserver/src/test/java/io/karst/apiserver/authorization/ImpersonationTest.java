package io.karst.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.karst.api.security.UserInfo;

class ImpersonationTest {
    private static final UserInfo ADMIN = new UserInfo("admin", "", List.of("system:masters", "system:authenticated"),
            Map.of());
    private static final UserInfo ALICE = new UserInfo("alice", "", List.of("devs", "system:authenticated"),
            Map.of());

    private final InMemoryObjects objects = new InMemoryObjects();
    private final AuthorizationChain chain = new AuthorizationChain();
    private final Impersonation impersonation = new Impersonation(chain);

    ImpersonationTest() {
        chain.add(new RbacAuthorizer(objects), RbacAuthorizer.RANKING, 1);
    }

    private static Map.Entry<String, String> header(String name, String value) {
        return Map.entry(name, value);
    }

    private void grantAlice(String rules) {
        objects.add("{'kind':'ClusterRole','metadata':{'name':'impersonator'},'rules':" + rules + "}")
                .add("{'kind':'ClusterRoleBinding','metadata':{'name':'impersonator'},'roleRef':{'kind':"
                        + "'ClusterRole','name':'impersonator'},'subjects':[{'kind':'User','name':'alice'}]}");
    }

    @Test
    void withoutHeadersTheAuthenticatedUserActs() {
        List<Map.Entry<String, String>> none = List.of(header("Accept", "application/json"));
        assertFalse(Impersonation.requested(none));
        assertSame(ALICE, impersonation.actAs(ALICE, none).user());
    }

    @Test
    void anImpersonatedUserIsAuthenticatedWithNoOtherGroup() {
        Impersonation.Outcome o = impersonation.actAs(ADMIN, List.of(header("Impersonate-User", "bob")));
        assertTrue(o.allowed());
        assertEquals(new UserInfo("bob", "", List.of("system:authenticated"), Map.of()), o.user());
    }

    @Test
    void groupsUidAndExtrasAreTakenAsGivenWithHeaderNamesInAnyCase() {
        Impersonation.Outcome o = impersonation.actAs(ADMIN, List.of(header("impersonate-user", "bob"),
                header("Impersonate-Group", "devs"), header("IMPERSONATE-GROUP", "ops"),
                header("Impersonate-Uid", "1234"), header("Impersonate-Extra-Scopes", "view"),
                header("Impersonate-Extra-Scopes", "edit"), header("Impersonate-Extra-Example.com%2fteam", "a")));
        assertEquals("bob", o.user().name());
        assertEquals("1234", o.user().uid());
        assertEquals(List.of("devs", "ops", "system:authenticated"), o.user().groups());
        assertEquals(Map.of("scopes", List.of("view", "edit"), "example.com/team", List.of("a")), o.user().extra());
    }

    @Test
    void anExplicitUnauthenticatedGroupIsNotJoinedByAuthenticated() {
        Impersonation.Outcome o = impersonation.actAs(ADMIN, List.of(header("Impersonate-User", "bob"),
                header("Impersonate-Group", "system:unauthenticated")));
        assertEquals(List.of("system:unauthenticated"), o.user().groups());
    }

    @Test
    void anonymousIsImpersonatedAsUnauthenticated() {
        Impersonation.Outcome o = impersonation.actAs(ADMIN, List.of(header("Impersonate-User", "system:anonymous")));
        assertEquals(List.of("system:unauthenticated"), o.user().groups());
    }

    @Test
    void aServiceAccountNameBringsItsGroupsUnlessGroupsAreGiven() {
        Impersonation.Outcome o = impersonation.actAs(ADMIN,
                List.of(header("Impersonate-User", "system:serviceaccount:team:builder")));
        assertEquals("system:serviceaccount:team:builder", o.user().name());
        assertEquals(List.of("system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated"),
                o.user().groups());
        Impersonation.Outcome given = impersonation.actAs(ADMIN, List.of(
                header("Impersonate-User", "system:serviceaccount:team:builder"), header("Impersonate-Group", "x")));
        assertEquals(List.of("x", "system:authenticated"), given.user().groups());
    }

    @Test
    void aServiceAccountIsAuthorizedOnServiceAccountsInItsNamespace() {
        grantAlice("[{'apiGroups':[''],'resources':['serviceaccounts'],'verbs':['impersonate']}]");
        objects.add("{'kind':'RoleBinding','metadata':{'name':'x','namespace':'team'},'roleRef':{'kind':"
                + "'ClusterRole','name':'impersonator'},'subjects':[{'kind':'User','name':'carol'}]}");
        assertTrue(impersonation.actAs(ALICE,
                List.of(header("Impersonate-User", "system:serviceaccount:team:builder"))).allowed());
        // an invalid namespace makes it a plain user name, which serviceaccounts rules do not cover
        Impersonation.Outcome plain = impersonation.actAs(ALICE,
                List.of(header("Impersonate-User", "system:serviceaccount:Team:builder")));
        assertFalse(plain.allowed());
        assertEquals("users", plain.refused().resource());
        UserInfo carol = new UserInfo("carol", "", List.of("system:authenticated"), Map.of());
        assertTrue(impersonation.actAs(carol,
                List.of(header("Impersonate-User", "system:serviceaccount:team:builder"))).allowed());
        Impersonation.Outcome otherNamespace = impersonation.actAs(carol,
                List.of(header("Impersonate-User", "system:serviceaccount:prod:builder")));
        assertFalse(otherNamespace.allowed());
        assertEquals("serviceaccounts \"builder\" is forbidden: User \"carol\" cannot impersonate resource "
                + "\"serviceaccounts\" in API group \"\" in the namespace \"prod\"",
                ForbiddenStatus.of(otherNamespace.refused(), otherNamespace.reason()).getMessage());
    }

    @Test
    void aUserWithoutTheRightIsRefusedOnTheFirstPartInUpstreamsWords() {
        Impersonation.Outcome o = impersonation.actAs(ALICE, List.of(header("Impersonate-User", "bob")));
        assertFalse(o.allowed());
        assertNull(o.user());
        assertEquals("users \"bob\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group "
                + "\"\" at the cluster scope", ForbiddenStatus.of(o.refused(), o.reason()).getMessage());
    }

    @Test
    void eachPartNeedsItsOwnRightUsersAndGroupsByName() {
        grantAlice("[{'apiGroups':[''],'resources':['users'],'verbs':['impersonate'],'resourceNames':['bob']},"
                + "{'apiGroups':[''],'resources':['groups'],'verbs':['impersonate'],'resourceNames':['devs']}]");
        assertTrue(impersonation.actAs(ALICE, List.of(header("Impersonate-User", "bob"),
                header("Impersonate-Group", "devs"))).allowed());
        Impersonation.Outcome otherUser = impersonation.actAs(ALICE, List.of(header("Impersonate-User", "root")));
        assertFalse(otherUser.allowed());
        Impersonation.Outcome masters = impersonation.actAs(ALICE, List.of(header("Impersonate-User", "bob"),
                header("Impersonate-Group", "system:masters")));
        assertFalse(masters.allowed(), "bob may be impersonated, but not with system:masters");
        assertEquals("groups \"system:masters\" is forbidden: User \"alice\" cannot impersonate resource \"groups\" "
                + "in API group \"\" at the cluster scope",
                ForbiddenStatus.of(masters.refused(), masters.reason()).getMessage());
    }

    @Test
    void uidsAndExtrasAreAuthorizedInTheAuthenticationGroup() {
        grantAlice("[{'apiGroups':[''],'resources':['users'],'verbs':['impersonate']},"
                + "{'apiGroups':['authentication.k8s.io'],'resources':['uids','userextras/scopes'],"
                + "'verbs':['impersonate']}]");
        assertTrue(impersonation.actAs(ALICE, List.of(header("Impersonate-User", "bob"),
                header("Impersonate-Uid", "42"), header("Impersonate-Extra-Scopes", "view"))).allowed());
        Impersonation.Outcome extra = impersonation.actAs(ALICE, List.of(header("Impersonate-User", "bob"),
                header("Impersonate-Extra-Reason", "x")));
        assertFalse(extra.allowed());
        assertEquals("userextras.authentication.k8s.io \"x\" is forbidden: User \"alice\" cannot impersonate "
                + "resource \"userextras/reason\" in API group \"authentication.k8s.io\" at the cluster scope",
                ForbiddenStatus.of(extra.refused(), extra.reason()).getMessage());
    }

    @Test
    void groupsExtrasOrUidWithoutAUserAreMalformed() {
        Impersonation.Outcome o = impersonation.actAs(ADMIN, List.of(header("Impersonate-Group", "devs"),
                header("Impersonate-Uid", "7")));
        assertFalse(o.allowed());
        assertEquals("requested [{Group  devs    } {UID  7  authentication.k8s.io/v1  }] without impersonating a user",
                o.malformed());
    }

    @Test
    void anExtraKeyThatDoesNotDecodeIsKeptAsSent() {
        assertEquals("a%zz", Impersonation.unescapeExtraKey("a%zz"));
        assertEquals("a%2", Impersonation.unescapeExtraKey("a%2"));
        assertEquals("a/b", Impersonation.unescapeExtraKey("a%2fb"));
    }
}
