/** Turns a resolved server or agent configuration into a Karaf instance: configurations, boot features, env. */
package io.karst.launcher.boot;
