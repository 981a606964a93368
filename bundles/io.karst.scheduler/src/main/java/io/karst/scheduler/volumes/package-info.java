/** kube-scheduler's VolumeBinding plugin: claims, volume node affinity, WaitForFirstConsumer binding. */
package io.karst.scheduler.volumes;
