package io.karst.datastore.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.karst.datastore.EndpointUri;
import io.karst.datastore.pooled.TlsFiles;

/** The URL handed to MariaDB Connector/J, which reads its options as they stand and decodes no escapes. */
class MysqlDatabaseTest {

    @Test
    void aCaFileStandsInTheUrlAsItIsAndTurnsOnFullVerification() throws Exception {
        MysqlDatabase database = new MysqlDatabase(EndpointUri.mysql("mysql://u:p@tcp(db.example:3306)/k8s"),
                new TlsFiles("/etc/karst/db ca.crt", "", ""));
        String url = database.dataSource("k8s").getUrl();
        assertTrue(url.startsWith("jdbc:mariadb://db.example:3306/k8s?"), url);
        List<String> options = List.of(url.substring(url.indexOf('?') + 1).split("&"));
        assertTrue(options.contains("sslMode=verify-full"), url);
        assertTrue(options.contains("serverSslCert=/etc/karst/db ca.crt"), url);
    }

    @Test
    void anOptionTheConnectorCannotReadFromItsUrlIsRefusedAtOnce() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new MysqlDatabase(EndpointUri.mysql("mysql://u:p@tcp(h:3306)/k8s?sessionVariables=a%26b"),
                        TlsFiles.none()));
        assertEquals("MySQL endpoint option sessionVariables cannot contain '&' (nor its name '='): MariaDB "
                + "Connector/J reads options from its URL as they are", refused.getMessage());
    }
}
