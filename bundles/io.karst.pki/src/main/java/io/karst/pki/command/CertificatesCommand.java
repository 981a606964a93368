package io.karst.pki.command;

import java.time.Instant;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.karst.api.security.CertificateAuthority;
import io.karst.pki.CertificateTable;

/** {@code karst:certificates}: every managed certificate with its expiry, as {@code k3s certificate check}. */
@Command(scope = "karst", name = "certificates",
        description = "Lists the cluster certificates with their expiry and renewal status")
@Service
public class CertificatesCommand implements Action {

    @Reference
    CertificateAuthority authority;

    @Override
    public Object execute() {
        List<List<String>> rows = CertificateTable.rows(authority.certificates(), Instant.now());
        ShellTable table = new ShellTable();
        rows.get(0).forEach(table::column);
        for (List<String> row : rows.subList(1, rows.size())) {
            table.addRow().addContent(row.toArray());
        }
        table.print(System.out);
        return null;
    }
}
