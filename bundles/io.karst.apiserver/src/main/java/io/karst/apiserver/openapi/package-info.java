/** The OpenAPI documents (/openapi/v2, /openapi/v3 and its group-versions) rendered from the schema model. */
package io.karst.apiserver.openapi;
