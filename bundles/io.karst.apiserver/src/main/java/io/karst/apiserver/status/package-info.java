/** Kubernetes {@code Status} failures: the one place where errors get their code, reason and message. */
package io.karst.apiserver.status;
