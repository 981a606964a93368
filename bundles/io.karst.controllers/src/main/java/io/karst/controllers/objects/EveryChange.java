package io.karst.controllers.objects;

import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.karst.api.client.ResourceEventHandler;

/** An informer handler that does one thing with the object of every add, update (the new object) and delete. */
public final class EveryChange {
    private EveryChange() {
    }

    public static ResourceEventHandler of(Consumer<ObjectNode> action) {
        return new ResourceEventHandler() {
            @Override
            public void onAdd(ObjectNode object) {
                action.accept(object);
            }

            @Override
            public void onUpdate(ObjectNode old, ObjectNode object) {
                action.accept(object);
            }

            @Override
            public void onDelete(ObjectNode object, boolean finalStateUnknown) {
                action.accept(object);
            }
        };
    }
}
