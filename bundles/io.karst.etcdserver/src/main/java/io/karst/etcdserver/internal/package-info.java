/** The etcd v3 gRPC endpoint: the services, their mapping onto {@code KeyValueStore}, and the DS component. */
package io.karst.etcdserver.internal;
