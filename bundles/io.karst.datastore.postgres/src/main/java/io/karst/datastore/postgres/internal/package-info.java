/** The Declarative Services component that opens the PostgreSQL datastore from configuration. */
package io.karst.datastore.postgres.internal;
