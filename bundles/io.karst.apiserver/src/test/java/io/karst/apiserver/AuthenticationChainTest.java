package io.karst.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.karst.api.security.AuthenticationException;
import io.karst.api.security.Authenticator;
import io.karst.api.security.Credentials;
import io.karst.api.security.UserInfo;

class AuthenticationChainTest {
    private static final Credentials NONE = new Credentials(List.of(), Optional.empty());
    private static final Credentials TOKEN = new Credentials(List.of(), Optional.of("abc"));

    private final AuthenticationChain chain = new AuthenticationChain();

    @Test
    void noCredentialsIsAnonymous() {
        chain.add(c -> Optional.empty(), 0, 1);
        assertTrue(chain.authenticate(NONE).anonymous());
    }

    @Test
    void rejectedCredentialsAreNotAnonymous() {
        chain.add(c -> {
            throw new AuthenticationException("bad signature");
        }, 0, 1);
        AuthenticationChain.Outcome outcome = chain.authenticate(TOKEN);
        assertTrue(outcome.rejected());
        assertEquals(List.of("bad signature"), outcome.failures());
    }

    @Test
    void credentialsNobodyHandlesAreRejected() {
        chain.add(c -> Optional.empty(), 0, 1);
        assertTrue(chain.authenticate(TOKEN).rejected());
    }

    @Test
    void firstAcceptingAuthenticatorInRankingOrderWins() {
        chain.add(user("low"), 0, 1);
        chain.add(user("high"), 10, 2);
        assertEquals("high", chain.authenticate(TOKEN).user().orElseThrow().name());
    }

    @Test
    void laterAuthenticatorMayAcceptWhatAnEarlierRejected() {
        chain.add(c -> {
            throw new AuthenticationException("not mine");
        }, 10, 1);
        chain.add(user("alice"), 0, 2);
        assertEquals("alice", chain.authenticate(TOKEN).user().orElseThrow().name());
    }

    @Test
    void removedAuthenticatorIsNoLongerAsked() {
        Authenticator alice = user("alice");
        chain.add(alice, 0, 1);
        chain.remove(alice);
        assertTrue(chain.authenticate(TOKEN).rejected());
    }

    private static Authenticator user(String name) {
        return c -> Optional.of(new UserInfo(name, "", List.of("system:authenticated"), Map.of()));
    }
}
