/** The {@code karst:*} shell commands of the administration bundle. */
package io.karst.admin.command;
