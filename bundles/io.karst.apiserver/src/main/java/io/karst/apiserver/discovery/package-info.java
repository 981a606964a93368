/** Discovery documents: {@code /api}, {@code /apis}, group-versions, and aggregated discovery v2 / v2beta1. */
package io.karst.apiserver.discovery;
