/** The server side of an agent joining: the node-join endpoint, its request, and the node password Secrets. */
package io.karst.apiserver.join;
