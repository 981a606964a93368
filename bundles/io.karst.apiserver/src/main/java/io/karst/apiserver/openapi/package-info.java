/**
 * The OpenAPI documents (/openapi/v2, /openapi/v3 and its group-versions) rendered from the schema model and the
 * CustomResourceDefinitions' schemas.
 */
package io.karst.apiserver.openapi;
