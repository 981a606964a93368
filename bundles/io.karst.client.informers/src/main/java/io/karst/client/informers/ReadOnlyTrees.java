package io.karst.client.informers;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Read-only JSON trees, so that the watch cache, every in-process informer and every watcher can hold the SAME tree
 * of an object instead of a copy each (a copy per informer was most of the server's heap with 10,000 pods).
 *
 * <p>The contract is client-go's: objects from an informer, a lister or a watch event are shared and must not be
 * changed; a consumer that wants a changed object calls {@code deepCopy()} first (the copy is an ordinary, mutable
 * tree). Unlike client-go, a violation is loud here: every container of a frozen tree refuses any change with an
 * {@link UnsupportedOperationException} ({@link ReadOnlyTreeException}) at the line that tried, instead of silently
 * corrupting what every other controller sees.
 *
 * <p>How: the nodes are Jackson's own {@code ObjectNode}/{@code ArrayNode} (so every reader, encoder, equality and
 * {@code deepCopy} works unchanged) over a child map or list that can be frozen. Every mutator of the two node
 * classes goes through that map or list, so freezing it closes all of them, including iterator removal and
 * {@code Map.Entry.setValue}. Trees made by {@link #FACTORY} are mutable until {@link #freezeOwned} freezes them.
 */
public final class ReadOnlyTrees {
    /** Makes freezable nodes; a tree it builds (e.g. a parser configured with it) is mutable until frozen. */
    public static final JsonNodeFactory FACTORY = new FreezableFactory();

    private ReadOnlyTrees() {
    }

    /** Thrown on any attempt to change a frozen tree. */
    public static final class ReadOnlyTreeException extends UnsupportedOperationException {
        private static final long serialVersionUID = 1L;

        ReadOnlyTreeException() {
            super("this JSON tree is shared (an informer's, a lister's or a watch event's object) and read-only:"
                    + " deepCopy() it before changing it");
        }
    }

    /** Whether {@code node} is a frozen container (a value node is immutable anyway, but is not reported here). */
    public static boolean isFrozen(JsonNode node) {
        return node instanceof FrozenAware f && f.frozen();
    }

    /**
     * A read-only tree equal to {@code object}: itself when already frozen, otherwise a frozen copy that shares the
     * frozen subtrees and value nodes of {@code object} (which is left as it is: the caller may still own it).
     */
    public static ObjectNode readOnly(ObjectNode object) {
        if (object == null || isFrozen(object)) {
            return object;
        }
        return (ObjectNode) frozenCopy(object);
    }

    /**
     * Freezes a tree its caller owns outright (just decoded, no one else holds a part of it that must stay
     * mutable) in place where it can: containers made by {@link #FACTORY} are frozen as they are, others are
     * replaced in their (not yet frozen) parent by frozen copies. Returns the frozen tree, which is {@code object}
     * itself when its root came from {@link #FACTORY}.
     */
    public static ObjectNode freezeOwned(ObjectNode object) {
        return (ObjectNode) freeze(object);
    }

    private static JsonNode freeze(JsonNode node) {
        if (node instanceof FreezableObjectNode o) {
            if (!o.frozen()) {
                for (Map.Entry<String, JsonNode> e : o.children().entrySet()) {
                    JsonNode child = e.getValue();
                    if (child.isContainerNode()) {
                        JsonNode frozen = freeze(child);
                        if (frozen != child) {
                            e.setValue(frozen);
                        }
                    }
                }
                o.children().freeze();
            }
            return o;
        }
        if (node instanceof FreezableArrayNode a) {
            if (!a.frozen()) {
                List<JsonNode> kids = a.children();
                for (int i = 0; i < kids.size(); i++) {
                    JsonNode child = kids.get(i);
                    if (child.isContainerNode()) {
                        JsonNode frozen = freeze(child);
                        if (frozen != child) {
                            kids.set(i, frozen);
                        }
                    }
                }
                a.children().freeze();
            }
            return a;
        }
        return node.isContainerNode() ? frozenCopy(node) : node;
    }

    /** A frozen copy of a container, sharing its frozen subtrees and its (immutable) value nodes. */
    private static JsonNode frozenCopy(JsonNode node) {
        if (isFrozen(node) || !node.isContainerNode()) {
            return node;
        }
        if (node.isObject()) {
            FreezableObjectNode copy = (FreezableObjectNode) FACTORY.objectNode();
            FreezableMap kids = copy.children();
            node.fields().forEachRemaining(e -> kids.put(e.getKey(), frozenCopy(e.getValue())));
            kids.freeze();
            return copy;
        }
        FreezableArrayNode copy = (FreezableArrayNode) FACTORY.arrayNode(node.size());
        FreezableList kids = copy.children();
        for (JsonNode child : node) {
            kids.add(frozenCopy(child));
        }
        kids.freeze();
        return copy;
    }

    private interface FrozenAware {
        boolean frozen();
    }

    /**
     * Also shares equal short strings between the trees it makes: most string values of cached objects repeat
     * (namespaces, kinds, images, label values, phases, condition types, managers, timestamps of one second), and a
     * decoded tree had a TextNode and a String of its own for each. The table is bounded the crude way (emptied
     * when full) since unique values (uids, names, addresses) pass through it too; the repeating ones come back at
     * once.
     */
    private static final class FreezableFactory extends JsonNodeFactory {
        private static final long serialVersionUID = 1L;
        static final int SHARED_TEXT_MAX_LENGTH = 64;
        static final int SHARED_TEXT_CAPACITY = 16_384;
        private final transient Map<String, TextNode> texts = new ConcurrentHashMap<>();

        @Override
        public TextNode textNode(String text) {
            if (text == null || text.isEmpty() || text.length() > SHARED_TEXT_MAX_LENGTH) {
                return super.textNode(text);
            }
            TextNode known = texts.get(text);
            if (known != null) {
                return known;
            }
            if (texts.size() >= SHARED_TEXT_CAPACITY) {
                texts.clear();
            }
            TextNode made = super.textNode(text);
            known = texts.putIfAbsent(text, made);
            return known != null ? known : made;
        }

        @Override
        public ObjectNode objectNode() {
            return new FreezableObjectNode(this);
        }

        @Override
        public ArrayNode arrayNode() {
            return new FreezableArrayNode(this, new FreezableList(4));
        }

        @Override
        public ArrayNode arrayNode(int capacity) {
            return new FreezableArrayNode(this, new FreezableList(capacity));
        }
    }

    private static final class FreezableObjectNode extends ObjectNode implements FrozenAware {
        private static final long serialVersionUID = 1L;

        FreezableObjectNode(JsonNodeFactory factory) {
            super(factory, new FreezableMap());
        }

        FreezableMap children() {
            return (FreezableMap) _children;
        }

        @Override
        public boolean frozen() {
            return children().frozen;
        }
    }

    private static final class FreezableArrayNode extends ArrayNode implements FrozenAware {
        private static final long serialVersionUID = 1L;

        /** The list Jackson keeps privately, kept here too to freeze it. */
        private final FreezableList elements;

        FreezableArrayNode(JsonNodeFactory factory, FreezableList children) {
            super(factory, children);
            this.elements = children;
        }

        FreezableList children() {
            return elements;
        }

        @Override
        public boolean frozen() {
            return children().frozen;
        }
    }

    /**
     * An object node's members: an insertion-ordered map until frozen, then every change refused. The flag needs no
     * volatile: a frozen tree is published to other threads through locks and executors (the cache's lock, the
     * watch's queue), which order its freezing before any read.
     *
     * <p>Compact, since cached objects are mostly small maps (a pod's tree has a few dozen of 1-5 members): up to
     * {@link #SMALL} members live in one array of alternating keys and values (8 bytes a member, found by a scan;
     * keys are interned by the parser, so mostly by identity), instead of a LinkedHashMap's table and 40-byte entry
     * per member, which were over half of the watch cache's heap. Bigger maps are LinkedHashMaps.
     */
    static final class FreezableMap extends AbstractMap<String, JsonNode> {
        static final int SMALL = 8;
        private static final Object[] NONE = new Object[0];

        /** Small mode: keys at even, values at odd indexes; unused when {@link #big} is set. */
        private Object[] kv = NONE;
        private int size;
        private LinkedHashMap<String, JsonNode> big;
        private boolean frozen;

        void freeze() {
            frozen = true;
            if (big == null && kv.length > 2 * size) {
                kv = Arrays.copyOf(kv, 2 * size);
            }
        }

        private void check() {
            if (frozen) {
                throw new ReadOnlyTreeException();
            }
        }

        private int indexOf(Object key) {
            Object[] a = kv;
            for (int i = 0, n = 2 * size; i < n; i += 2) {
                if (a[i] == key) {
                    return i;
                }
            }
            if (key != null) {
                for (int i = 0, n = 2 * size; i < n; i += 2) {
                    if (key.equals(a[i])) {
                        return i;
                    }
                }
            }
            return -1;
        }

        @Override
        public int size() {
            return big != null ? big.size() : size;
        }

        @Override
        public boolean isEmpty() {
            return size() == 0;
        }

        @Override
        public JsonNode get(Object key) {
            if (big != null) {
                return big.get(key);
            }
            int i = indexOf(key);
            return i < 0 ? null : (JsonNode) kv[i + 1];
        }

        @Override
        public boolean containsKey(Object key) {
            return big != null ? big.containsKey(key) : indexOf(key) >= 0;
        }

        @Override
        public JsonNode put(String key, JsonNode value) {
            check();
            if (big != null) {
                return big.put(key.intern(), value); // an existing entry keeps its key
            }
            int i = indexOf(key);
            if (i >= 0) {
                JsonNode old = (JsonNode) kv[i + 1];
                kv[i + 1] = value;
                return old;
            }
            // a new key is interned: one String for all the trees that have it, found by identity in indexOf
            // (parsers of stored values do not share names themselves, see the API server's ObjectCodec)
            key = key.intern();
            if (size == SMALL) {
                big = new LinkedHashMap<>(2 * SMALL + 2);
                for (int j = 0; j < 2 * size; j += 2) {
                    big.put((String) kv[j], (JsonNode) kv[j + 1]);
                }
                kv = NONE;
                size = 0;
                return big.put(key, value);
            }
            if (kv.length == 2 * size) {
                int members = Math.min(SMALL, Math.max(2, size + Math.max(1, size / 2)));
                kv = Arrays.copyOf(kv, 2 * members); // keys and values in pairs: an even length
            }
            kv[2 * size] = key;
            kv[2 * size + 1] = value;
            size++;
            return null;
        }

        @Override
        public JsonNode remove(Object key) {
            check();
            if (big != null) {
                return big.remove(key);
            }
            int i = indexOf(key);
            if (i < 0) {
                return null;
            }
            JsonNode old = (JsonNode) kv[i + 1];
            removeAt(i);
            return old;
        }

        private void removeAt(int i) {
            System.arraycopy(kv, i + 2, kv, i, 2 * size - i - 2);
            size--;
            kv[2 * size] = null;
            kv[2 * size + 1] = null;
        }

        @Override
        public void clear() {
            check();
            big = null;
            kv = NONE;
            size = 0;
        }

        // The Map defaults (putIfAbsent, replace, compute, merge...) and AbstractMap's putAll, keySet and values
        // go through put, remove and the entry set's iterator and entries, which all refuse change when frozen.
        @Override
        public Set<Map.Entry<String, JsonNode>> entrySet() {
            if (big != null) {
                return frozen ? new FrozenEntries(big.entrySet()) : big.entrySet();
            }
            return new SmallEntries();
        }

        /** The entries of a small map, in order; changes through them check the flag. */
        private final class SmallEntries extends AbstractSet<Map.Entry<String, JsonNode>> {
            @Override
            public int size() {
                return FreezableMap.this.size();
            }

            @Override
            public Iterator<Map.Entry<String, JsonNode>> iterator() {
                return new Iterator<>() {
                    private int next;
                    private int last = -1;

                    @Override
                    public boolean hasNext() {
                        return big == null && next < 2 * size;
                    }

                    @Override
                    public Map.Entry<String, JsonNode> next() {
                        if (!hasNext()) {
                            throw new java.util.NoSuchElementException();
                        }
                        last = next;
                        next += 2;
                        return new SmallEntry(last);
                    }

                    @Override
                    public void remove() {
                        check();
                        if (last < 0) {
                            throw new IllegalStateException();
                        }
                        removeAt(last);
                        next = last;
                        last = -1;
                    }
                };
            }
        }

        /** One member of a small map, its value written through to the map (while not frozen). */
        private final class SmallEntry extends AbstractMap.SimpleEntry<String, JsonNode> {
            private static final long serialVersionUID = 1L;
            private final int at;

            SmallEntry(int at) {
                super((String) kv[at], (JsonNode) kv[at + 1]);
                this.at = at;
            }

            @Override
            public JsonNode setValue(JsonNode value) {
                check();
                kv[at + 1] = value;
                return super.setValue(value);
            }
        }
    }

    /** A frozen map's entries: iterated as immutable entries, every change refused. */
    private static final class FrozenEntries extends AbstractSet<Map.Entry<String, JsonNode>> {
        private final Set<Map.Entry<String, JsonNode>> entries;

        FrozenEntries(Set<Map.Entry<String, JsonNode>> entries) {
            this.entries = entries;
        }

        @Override
        public Iterator<Map.Entry<String, JsonNode>> iterator() {
            Iterator<Map.Entry<String, JsonNode>> it = entries.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Map.Entry<String, JsonNode> next() {
                    Map.Entry<String, JsonNode> e = it.next();
                    return new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue());
                }
            };
        }

        @Override
        public int size() {
            return entries.size();
        }

        @Override
        public boolean contains(Object o) {
            return entries.contains(o);
        }
    }

    /** An array node's elements: an ordinary list until frozen, then every change refused. */
    static final class FreezableList extends ArrayList<JsonNode> {
        private static final long serialVersionUID = 1L;
        private boolean frozen;

        FreezableList(int capacity) {
            super(capacity);
        }

        void freeze() {
            frozen = true;
            trimToSize();
        }

        private void check() {
            if (frozen) {
                throw new ReadOnlyTreeException();
            }
        }

        @Override
        public boolean add(JsonNode e) {
            check();
            return super.add(e);
        }

        @Override
        public void add(int index, JsonNode element) {
            check();
            super.add(index, element);
        }

        @Override
        public boolean addAll(Collection<? extends JsonNode> c) {
            check();
            return super.addAll(c);
        }

        @Override
        public boolean addAll(int index, Collection<? extends JsonNode> c) {
            check();
            return super.addAll(index, c);
        }

        @Override
        public JsonNode set(int index, JsonNode element) {
            check();
            return super.set(index, element);
        }

        @Override
        public JsonNode remove(int index) {
            check();
            return super.remove(index);
        }

        @Override
        public boolean remove(Object o) {
            check();
            return super.remove(o);
        }

        @Override
        public boolean removeAll(Collection<?> c) {
            check();
            return super.removeAll(c);
        }

        @Override
        public boolean retainAll(Collection<?> c) {
            check();
            return super.retainAll(c);
        }

        @Override
        public boolean removeIf(Predicate<? super JsonNode> filter) {
            check();
            return super.removeIf(filter);
        }

        @Override
        public void clear() {
            check();
            super.clear();
        }

        @Override
        public void replaceAll(UnaryOperator<JsonNode> operator) {
            check();
            super.replaceAll(operator);
        }

        @Override
        public void sort(Comparator<? super JsonNode> c) {
            check();
            super.sort(c);
        }

        // ArrayList's iterators change the list through the methods above (remove, set, add); a sub-list writes
        // its root's array directly, so a frozen list hands out an unmodifiable one.
        @Override
        public List<JsonNode> subList(int fromIndex, int toIndex) {
            return frozen ? Collections.unmodifiableList(super.subList(fromIndex, toIndex))
                    : super.subList(fromIndex, toIndex);
        }
    }
}
