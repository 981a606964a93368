/** Encryption at rest of stored values, after kube-apiserver's EncryptionConfiguration and value transformers. */
package io.karst.apiserver.storage.encryption;
