/** The cluster PKI as plain Java: certificate authorities, leaf certificates, join tokens and the admin kubeconfig. */
package io.karst.pki;
