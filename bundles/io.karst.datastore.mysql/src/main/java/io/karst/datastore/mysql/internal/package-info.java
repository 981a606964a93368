/** The Declarative Services component that opens the MySQL datastore from configuration. */
package io.karst.datastore.mysql.internal;
