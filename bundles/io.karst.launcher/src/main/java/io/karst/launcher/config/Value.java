package io.karst.launcher.config;

/** One value of a flag as a source gave it, not yet validated. */
record Value(String text, Origin origin) {
}
