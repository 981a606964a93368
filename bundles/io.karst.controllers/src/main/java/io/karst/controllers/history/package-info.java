/** ControllerRevision history shared by the StatefulSet (and later DaemonSet) controllers, as upstream's history package. */
package io.karst.controllers.history;
