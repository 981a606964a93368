/** The API server's audit log: one upstream {@code audit.k8s.io/v1} Event per request, as JSON lines. */
package io.karst.apiserver.audit;
