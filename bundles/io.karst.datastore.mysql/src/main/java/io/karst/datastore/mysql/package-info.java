/** The MySQL/MariaDB dialect of the log-structured datastore, and opening a store on a MySQL endpoint. */
package io.karst.datastore.mysql;
