/** The resource metrics API ({@code metrics.k8s.io/v1beta1}), served from the kubelets' summaries as metrics-server does. */
package io.karst.apiserver.metrics;
