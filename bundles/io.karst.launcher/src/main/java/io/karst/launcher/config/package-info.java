/** Flags, {@code KARST_*} environment variables and config files merged by K3s's rules, and validated. */
package io.karst.launcher.config;
