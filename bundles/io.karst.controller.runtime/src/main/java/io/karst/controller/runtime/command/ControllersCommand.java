package io.karst.controller.runtime.command;

import java.time.Instant;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.karst.api.controller.ControllerRuntime;
import io.karst.api.controller.ControllerStatus;

/** {@code karst:controllers}: whether this server leads, and each controller's queue depth and last error. */
@Command(scope = "karst", name = "controllers",
        description = "Shows the controllers: whether this server leads, queue depth, last error")
@Service
public class ControllersCommand implements Action {

    @Reference
    ControllerRuntime runtime;

    @Override
    public Object execute() {
        System.out.println("This server: " + runtime.identity() + (runtime.leading() ? " (leading)"
                : " (standing by; leader: " + (runtime.leader().isEmpty() ? "none" : runtime.leader()) + ")"));
        ShellTable table = new ShellTable();
        for (String column : new String[] {"CONTROLLER", "RUNNING", "QUEUE", "LAST ERROR", "AT"}) {
            table.column(column);
        }
        for (ControllerStatus c : runtime.controllers()) {
            Instant at = c.lastErrorTime();
            table.addRow().addContent(c.name(), c.running() ? "yes" : "no", c.queueDepth(),
                    c.lastError() == null ? "-" : c.lastError(), at == null ? "-" : at.toString());
        }
        table.print(System.out);
        return null;
    }
}
