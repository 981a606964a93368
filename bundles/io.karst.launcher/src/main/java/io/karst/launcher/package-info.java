/** The {@code karst} command: entry point and subcommand dispatch. */
package io.karst.launcher;
