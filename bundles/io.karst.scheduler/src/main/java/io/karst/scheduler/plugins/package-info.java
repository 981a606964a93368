/** The built-in plugins of kube-scheduler's default profile, each a FilterPlugin and/or ScorePlugin service. */
package io.karst.scheduler.plugins;
