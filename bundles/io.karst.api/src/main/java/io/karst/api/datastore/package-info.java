/**
 * The cluster's state store: a revisioned key-value store with etcd v3 semantics (revisions, guarded writes,
 * watches with history, compaction and leases), and the typed errors the API server maps once to Kubernetes
 * {@code Status} codes.
 */
@Export
@Version("1.3.0")
package io.karst.api.datastore;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
