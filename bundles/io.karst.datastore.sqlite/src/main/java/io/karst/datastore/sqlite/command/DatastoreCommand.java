package io.karst.datastore.sqlite.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import io.karst.api.datastore.DatastoreStatus;
import io.karst.api.datastore.KeyValueStore;

/**
 * {@code karst:datastore}: the store the cluster uses (the highest ranked, as the shell injects it), its revisions,
 * size and last compaction.
 */
@Command(scope = "karst", name = "datastore",
        description = "Shows the datastore: provider, revision, compacted revision, rows, file size, last compaction")
@Service
public class DatastoreCommand implements Action {

    @Reference
    BundleContext context;

    @Reference
    KeyValueStore store;

    @Override
    public Object execute() {
        DatastoreStatus status = store.status();
        ShellTable table = new ShellTable();
        for (String column : new String[] {"PROVIDER", "REVISION", "COMPACTED", "ROWS", "SIZE", "LAST COMPACTION",
                "DURATION"}) {
            table.column(column);
        }
        table.addRow().addContent(provider(), status.revision(), status.compactedRevision(), status.rowCount(),
                StatusText.size(status.dbSizeBytes()), StatusText.instant(status.lastCompaction()),
                StatusText.duration(status.lastCompactionDuration()));
        table.print(System.out);
        return null;
    }

    /** The injected store is the highest ranked one, which is what getServiceReference returns too. */
    private String provider() {
        ServiceReference<KeyValueStore> reference = context.getServiceReference(KeyValueStore.class);
        Object type = reference == null ? null : reference.getProperty(KeyValueStore.TYPE_PROPERTY);
        return type == null ? "unknown" : type.toString();
    }
}
