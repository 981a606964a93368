/** Request and response bodies: JSON and YAML decoding and encoding of Kubernetes objects. */
package io.karst.apiserver.codec;
