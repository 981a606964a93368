/** Karaf shell commands of the API server: {@code karst:secrets-encrypt}. */
package io.karst.apiserver.command;
