/** The {@code karst:datastore} shell command. */
package io.karst.datastore.sqlite.command;
