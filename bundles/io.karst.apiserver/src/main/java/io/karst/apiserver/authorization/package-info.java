/** Authorization of API requests: request attributes, the RBAC and Node authorizers, the bootstrap policy. */
package io.karst.apiserver.authorization;
