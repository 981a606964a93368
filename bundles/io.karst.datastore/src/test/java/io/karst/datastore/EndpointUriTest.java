package io.karst.datastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class EndpointUriTest {

    @Test
    void postgresFormAsK3sWritesIt() {
        EndpointUri uri = EndpointUri.postgres("postgres://kube:s%40cret@db.example:6543/state?sslmode=require");
        assertEquals("kube", uri.user());
        assertEquals("s@cret", uri.password());
        assertEquals("db.example", uri.host());
        assertEquals(6543, uri.port());
        assertEquals("state", uri.database());
        assertEquals(Map.of("sslmode", "require"), uri.parameters());
        assertEquals("postgres://kube:***@db.example:6543/state", uri.toString());
    }

    @Test
    void postgresDefaultsPortAndDatabase() {
        EndpointUri uri = EndpointUri.postgres("postgresql://u@host");
        assertEquals(5432, uri.port());
        assertEquals("kubernetes", uri.database());
        assertEquals("", uri.password());
    }

    @Test
    void mysqlFormWithTcpAddress() {
        EndpointUri uri = EndpointUri.mysql("mysql://root:p:w@tcp(10.0.0.5:3307)/k3s");
        assertEquals("root", uri.user());
        assertEquals("p:w", uri.password());
        assertEquals("10.0.0.5", uri.host());
        assertEquals(3307, uri.port());
        assertEquals("k3s", uri.database());
        assertEquals("mysql://root:***@tcp(10.0.0.5:3307)/k3s", uri.toString());
        assertEquals(3306, EndpointUri.mysql("mysql://u:p@tcp(db)/").port());
    }

    @Test
    void malformedEndpointsFailWithTheExpectedFormAndWithoutThePassword() {
        for (String bad : new String[] {"", "postgres:/x", "mysql://u:hunter2@db:5432/x", "postgres://u:hunter2@/db",
                "postgres://u:hunter2@db:99999/x", "postgres://u:hunter2@db:port/x", "postgres://u:hunter2@db/a/b",
                "postgres://u:hunter2@db/x?flag", "postgres://u:hunter2@tcp(db:1)/x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EndpointUri.postgres(bad),
                    bad);
            assertTrue(e.getMessage().endsWith("expected " + EndpointUri.POSTGRES_FORM), e.getMessage());
            assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EndpointUri.mysql("mysql://u:hunter2@tcp(db:3306/x"));
        assertTrue(e.getMessage().contains("unclosed tcp("), e.getMessage());
        assertTrue(e.getMessage().endsWith("expected " + EndpointUri.MYSQL_FORM));
        assertFalse(e.getMessage().contains("hunter2"));
    }
}
