/** The PostgreSQL dialect of the log-structured datastore, and opening a store on a PostgreSQL endpoint. */
package io.karst.datastore.postgres;
