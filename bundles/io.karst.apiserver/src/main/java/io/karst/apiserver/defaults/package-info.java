/** Upstream defaulting of built-in objects, plus the admission defaults a user sees in stored objects. */
package io.karst.apiserver.defaults;
