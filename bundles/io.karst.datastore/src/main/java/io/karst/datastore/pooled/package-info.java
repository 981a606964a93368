/**
 * The half of the datastore that the providers of external databases (PostgreSQL, MySQL/MariaDB) share and SQLite
 * does not need: a HikariCP pool under a {@link io.karst.datastore.ReconnectingStore}, the Declarative Services
 * component those providers extend, and its configuration. A provider supplies a {@link
 * io.karst.datastore.pooled.PooledDatabase}: its dialect, data source and database creation.
 */
package io.karst.datastore.pooled;
