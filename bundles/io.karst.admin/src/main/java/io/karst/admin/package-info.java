/** Reads the state of Karst's bundles, components and readiness conditions for operators. */
package io.karst.admin;
