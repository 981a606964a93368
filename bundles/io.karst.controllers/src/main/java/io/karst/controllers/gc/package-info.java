/**
 * The garbage collector: deletes objects whose owners are gone, and carries out foreground and orphan deletion of
 * owners (ownerReferences, {@code blockOwnerDeletion}, the {@code foregroundDeletion} and {@code orphan} finalizers).
 */
package io.karst.controllers.gc;
