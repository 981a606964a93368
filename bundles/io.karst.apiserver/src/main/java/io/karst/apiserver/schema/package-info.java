/** The schema model of the Kubernetes types (generated at build time) and validation of objects against it. */
package io.karst.apiserver.schema;
