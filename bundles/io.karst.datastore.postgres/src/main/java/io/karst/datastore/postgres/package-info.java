/**
 * The PostgreSQL dialect of the log-structured datastore, and the data source and database of a PostgreSQL
 * endpoint.
 */
package io.karst.datastore.postgres;
