/** In-framework tests: Karst's bundles resolve, and their components activate, wire and release what they hold. */
package io.karst.itests.osgi;
