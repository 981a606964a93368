/**
 * Conversions between the versions of a resource that share one storage (autoscaling/v1 and v2
 * HorizontalPodAutoscalers, events.k8s.io/v1 and core/v1 Events), after upstream's conversion functions.
 */
package io.karst.apiserver.conversion;
