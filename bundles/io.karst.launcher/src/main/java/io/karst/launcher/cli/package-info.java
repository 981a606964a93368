/** The {@code karst} subcommands that work without a running node: token, certificate, kubectl, check-config. */
package io.karst.launcher.cli;
