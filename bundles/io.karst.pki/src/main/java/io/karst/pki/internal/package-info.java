/** The Declarative Services component that opens the PKI from configuration and registers its services. */
package io.karst.pki.internal;
