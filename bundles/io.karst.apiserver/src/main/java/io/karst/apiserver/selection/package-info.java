/** Label and field selectors, list/watch/delete options and continue tokens, parsed and checked as kube-apiserver does. */
package io.karst.apiserver.selection;
