package io.karst.api.client;

/** What happens to an object's dependents when it is deleted ({@code DeleteOptions.propagationPolicy}). */
public enum DeletionPropagation {
    /** Dependents keep running, their owner references to the deleted object are removed. */
    ORPHAN("Orphan"),
    /** The object goes at once; the garbage collector deletes its dependents afterwards. */
    BACKGROUND("Background"),
    /** The object stays, with a {@code foregroundDeletion} finalizer, until its blocking dependents are gone. */
    FOREGROUND("Foreground");

    private final String value;

    DeletionPropagation(String value) {
        this.value = value;
    }

    /** The value on the wire: {@code Orphan}, {@code Background} or {@code Foreground}. */
    public String value() {
        return value;
    }
}
