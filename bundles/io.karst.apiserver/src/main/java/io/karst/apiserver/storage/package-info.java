/** Kubernetes objects on the {@code KeyValueStore}: key layout, resourceVersion, datastore errors. */
package io.karst.apiserver.storage;
