package io.karst.launcher.boot;

import java.util.List;
import java.util.Map;

/**
 * What one start of a node boots: a configuration per PID (PID = bundle name) and the features to install.
 *
 * @param configurations PID → properties
 * @param bootFeatures Karaf features, in boot order
 * @param sshPort the administration shell's loopback port, 0 for none
 */
record LaunchPlan(Map<String, Map<String, Object>> configurations, List<String> bootFeatures, int sshPort) {
}
