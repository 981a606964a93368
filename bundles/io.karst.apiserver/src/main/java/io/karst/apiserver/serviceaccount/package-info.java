/** Service-account tokens: the TokenRequest subresource that issues them and the authenticator that accepts them. */
package io.karst.apiserver.serviceaccount;
