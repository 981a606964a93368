/**
 * The log-structured core every SQL datastore provider shares: one append-only table whose row id is the store
 * revision, one writer thread that batches writes into transactions, compaction and lease expiry. Watches are fed
 * from that writer on an embedded database, and by a log poller on a database several servers share. A provider
 * supplies a {@link io.karst.datastore.Dialect} and its connections.
 */
package io.karst.datastore;
