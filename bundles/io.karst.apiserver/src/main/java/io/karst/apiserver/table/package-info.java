/** Server-side Table output (meta.k8s.io Table) with upstream's columns, PartialObjectMetadata, and Accept negotiation. */
package io.karst.apiserver.table;
