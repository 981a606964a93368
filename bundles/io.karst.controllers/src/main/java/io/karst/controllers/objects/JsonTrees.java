package io.karst.controllers.objects;

import java.util.Comparator;

import com.fasterxml.jackson.databind.JsonNode;

/** Comparisons of a tree a controller built with the one it reads back from the API. */
public final class JsonTrees {
    /**
     * Numbers by value: a controller puts a long where JSON reads back an int, and Jackson's IntNode(2) does not
     * equal LongNode(2). Without this a status compares unequal with itself, is written again, and every write
     * queues the object once more: a loop.
     */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return 1;
    };

    private JsonTrees() {
    }

    /** Whether the trees hold the same values, numbers compared by value. */
    public static boolean same(JsonNode built, JsonNode stored) {
        return built.equals(NUMBERS_BY_VALUE, stored);
    }
}
