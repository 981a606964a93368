/** The node's shell commands: {@code karst:node} and {@code karst:images}. */
package io.karst.kubelet.command;
