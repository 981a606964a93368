/**
 * The log-structured core every SQL datastore provider shares: one append-only table whose row id is the store
 * revision, one writer thread that batches writes into transactions, watches fed from that writer, compaction
 * and lease expiry. A provider supplies a {@link io.karst.datastore.Dialect} and its connections.
 */
package io.karst.datastore;
