/**
 * Security services: the cluster PKI, join tokens and the authentication whiteboard.
 */
@Export
@Version("1.2.0")
package io.karst.api.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
