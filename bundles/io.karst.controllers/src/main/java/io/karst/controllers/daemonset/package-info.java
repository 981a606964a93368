/** The DaemonSet controller: one pod per eligible node, node selection, rolling updates with revisions, status. */
package io.karst.controllers.daemonset;
