package io.karst.apiserver.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One change of one object as the cache keeps it: decoded once, shared by every watcher.
 *
 * @param key the datastore key
 * @param object the object after the change; for a deletion, its last state with the deletion's revision as
 *        resourceVersion (what upstream sends in a DELETED event)
 * @param previous the object before the change, null when the change created it
 * @param revision the change's revision
 */
record CacheEvent(String key, ObjectNode object, ObjectNode previous, long revision, boolean deleted) {

    /** An initial event: the object as it is, with no history. */
    static CacheEvent current(String key, CachedObject entry) {
        return new CacheEvent(key, entry.object(), null, entry.revision(), false);
    }
}
