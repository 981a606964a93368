/** Patch formats of the write path: JSON merge patch (RFC 7386) and JSON Patch (RFC 6902). */
package io.karst.apiserver.patch;
