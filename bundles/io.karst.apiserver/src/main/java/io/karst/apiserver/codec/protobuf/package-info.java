/** The Kubernetes protobuf media type: the {@code k8s\0} + runtime.Unknown envelope and its framing. */
package io.karst.apiserver.codec.protobuf;
