package io.karst.apiserver.defaults;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Fills the fields upstream defaults when an object is decoded; mutates the object in place. */
@FunctionalInterface
public interface Defaulter {
    Defaulter NONE = obj -> { };

    void apply(ObjectNode obj);

    default Defaulter andThen(Defaulter next) {
        return obj -> {
            apply(obj);
            next.apply(obj);
        };
    }
}
