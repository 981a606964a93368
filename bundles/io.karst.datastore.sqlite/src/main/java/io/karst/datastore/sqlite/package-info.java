/** The SQLite dialect of the log-structured datastore, and opening a store on a database file. */
package io.karst.datastore.sqlite;
