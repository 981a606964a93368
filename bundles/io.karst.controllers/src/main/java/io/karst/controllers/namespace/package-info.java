/** The namespace controller: empties a terminating namespace, then removes its {@code kubernetes} finalizer. */
package io.karst.controllers.namespace;
