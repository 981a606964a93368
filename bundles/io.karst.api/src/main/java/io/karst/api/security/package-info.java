/**
 * Security services: the cluster PKI, join tokens and the authentication and authorization whiteboards.
 * <p>
 * 2.0: {@link io.karst.api.security.TokenService} no longer creates, lists or deletes bootstrap tokens: they are
 * Secrets in kube-system, written through the API; it hands over the ones kept in a file before.
 * {@link io.karst.api.security.CertificateAuthority#issueClientCertificate} signs user certificates.
 * <p>
 * 1.3: {@link io.karst.api.security.Authorizer}, {@link io.karst.api.security.AuthorizationAttributes} and
 * {@link io.karst.api.security.AuthorizationDecision}, the API server's authorization whiteboard.
 */
@Export
@Version("2.0.0")
package io.karst.api.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
