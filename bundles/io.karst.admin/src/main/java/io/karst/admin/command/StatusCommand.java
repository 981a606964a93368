package io.karst.admin.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;

import io.karst.admin.ComponentStatus;
import io.karst.admin.ComponentStatusReader;

/** {@code karst:status}: each Karst bundle, its state, the services it provides and whether it is ready. */
@Command(scope = "karst", name = "status", description = "Shows each Karst component: bundle, state, services, readiness")
@Service
public class StatusCommand implements Action {

    @Reference
    BundleContext context;

    @Reference
    ServiceComponentRuntime scr;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("COMPONENT");
        table.column("VERSION");
        table.column("STATE");
        table.column("READY");
        table.column("SERVICES");
        table.column("DETAIL");
        for (ComponentStatus s : new ComponentStatusReader(context, scr).read()) {
            table.addRow().addContent(s.bundle(), s.version(), s.state(), s.ready() ? "yes" : "no",
                    String.join(",", s.services()), s.detail());
        }
        table.print(System.out);
        return null;
    }
}
