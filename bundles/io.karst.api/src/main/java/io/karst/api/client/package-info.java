/**
 * Access to the cluster's resources from inside the JVM, with kube-apiserver's semantics: the verbs on
 * unstructured objects (Jackson trees exactly as the JSON API carries them), watches, and informers (list-watch
 * caches with indexes and event handlers) shared by every controller of the process.
 */
@Export
@Version("1.2.0")
package io.karst.api.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
