package io.karst.apiserver.authorization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.karst.api.security.AuthorizationAttributes;
import io.karst.api.security.AuthorizationDecision;
import io.karst.api.security.UserInfo;

class AuthorizationChainTest {
    private static final UserInfo ADMIN = new UserInfo("system:admin", "", List.of("system:masters"), Map.of());
    private static final UserInfo ALICE = new UserInfo("alice", "", List.of(), Map.of());

    private static AuthorizationAttributes get(UserInfo user) {
        return AuthorizationAttributes.nonResource(user, "get", "/x");
    }

    @Test
    void systemMastersIsAllowedWithoutAnyAuthorizer() {
        assertTrue(new AuthorizationChain().authorize(get(ADMIN)).allowed());
        assertFalse(new AuthorizationChain().authorize(get(ALICE)).allowed());
    }

    @Test
    void theFirstDecisionInRankingOrderWinsAndNoOpinionsAskOn() {
        AuthorizationChain chain = new AuthorizationChain();
        chain.add(a -> AuthorizationDecision.allow("low"), 1, 1);
        chain.add(a -> AuthorizationDecision.noOpinion("no idea"), 10, 2);
        assertEquals("low", chain.authorize(get(ALICE)).reason());
        chain.add(a -> AuthorizationDecision.deny("high"), 5, 3);
        AuthorizationDecision d = chain.authorize(get(ALICE));
        assertEquals(AuthorizationDecision.Outcome.DENY, d.outcome());
        assertEquals("high", d.reason());
    }

    @Test
    void aFailingAuthorizerAllowsNothing() {
        AuthorizationChain chain = new AuthorizationChain();
        chain.add(a -> {
            throw new IllegalStateException("broken");
        }, 1, 1);
        assertFalse(chain.authorize(get(ALICE)).allowed());
    }
}
