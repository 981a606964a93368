/** The Kubernetes API server: HTTPS listener, authentication chain, health, version and CA bundle endpoints. */
package io.karst.apiserver;
