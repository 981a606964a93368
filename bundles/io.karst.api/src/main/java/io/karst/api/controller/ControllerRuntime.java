package io.karst.api.controller;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The runtime that hosts {@link Controller}s, for operators ({@code karst:controllers}). */
@ProviderType
public interface ControllerRuntime {

    /** This server's identity in the controller-manager lease. */
    String identity();

    /** Whether this server holds the lease, so runs the controllers. */
    boolean leading();

    /** The holder of the lease as last read; "" when none. */
    String leader();

    List<ControllerStatus> controllers();
}
