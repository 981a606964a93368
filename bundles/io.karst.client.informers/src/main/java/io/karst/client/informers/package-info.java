/**
 * Shared index informers over any {@code ResourceOperations}: a plain library, embedded privately (bnd
 * {@code -conditionalpackage}) by each ResourceClient provider (the API server's in-process client, the remote
 * client), never exported.
 */
package io.karst.client.informers;
