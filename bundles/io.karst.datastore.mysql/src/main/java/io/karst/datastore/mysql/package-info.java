/** The MySQL/MariaDB dialect of the log-structured datastore, and the data source and database of a MySQL endpoint. */
package io.karst.datastore.mysql;
