/**
 * Health checks: a whiteboard of named checks that back {@code /livez}, {@code /readyz} and {@code /healthz}.
 */
@Export
@Version("1.0.0")
package io.karst.api.health;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
