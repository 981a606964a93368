/** Upstream semantic validation of built-in objects: field errors, names, metadata and per-type rules. */
package io.karst.apiserver.validation;
