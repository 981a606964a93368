/** The disruption controller: the status of PodDisruptionBudgets, which the eviction API honours. */
package io.karst.controllers.disruption;
