/** The watch cache: lists and watches of a resource served from memory, fed by one datastore watch. */
package io.karst.apiserver.cache;
