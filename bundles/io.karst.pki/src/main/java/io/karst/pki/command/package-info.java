/** Karaf shell commands over the cluster PKI. */
package io.karst.pki.command;
