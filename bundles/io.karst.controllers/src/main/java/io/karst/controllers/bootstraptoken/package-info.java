/** The bootstrap token cleaner: expired bootstrap token Secrets are deleted. */
package io.karst.controllers.bootstraptoken;
