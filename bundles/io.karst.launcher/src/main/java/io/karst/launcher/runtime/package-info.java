/**
 * The lean agent runtime: a bare Felix framework with exactly the agent's bundles, started by bin/karst in place
 * of Karaf when the agent has no shell. It runs outside any framework, on the JVM's class path.
 */
package io.karst.launcher.runtime;
