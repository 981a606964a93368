/** The Declarative Services component that opens the SQLite datastore from configuration. */
package io.karst.datastore.sqlite.internal;
