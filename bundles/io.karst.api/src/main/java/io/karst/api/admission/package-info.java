/**
 * Admission: steps of the API server's write path on the whiteboard, as kube-apiserver's admission plugins. The
 * API server asks each registered {@link io.karst.api.admission.AdmissionPlugin}, in service ranking order, after
 * its own defaulting and validation and before the object is stored; a plugin may change the object or refuse it.
 */
@Export
@Version("1.0.0")
package io.karst.api.admission;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
