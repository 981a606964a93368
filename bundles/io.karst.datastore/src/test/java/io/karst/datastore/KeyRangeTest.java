package io.karst.datastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.karst.api.datastore.InvalidRequestException;
import io.karst.api.datastore.KeyRange;

class KeyRangeTest {

    @Test
    void aPrefixEndsAtItsLastCodePointIncremented() {
        assertEquals("/registry/pods0", KeyRange.prefix("/registry/pods/").end());
        assertNull(KeyRange.prefix("").end());
        assertTrue(KeyRange.prefix("/a/").contains("/a/b"));
        assertFalse(KeyRange.prefix("/a/").contains("/a0"));
    }

    @Test
    void incrementingSkipsSurrogatesAndDropsTheLastCodePoint() {
        assertEquals("/\uE000", KeyRange.prefix("/\uD7FF").end());
        assertEquals("/b", KeyRange.prefix("/a" + Character.toString(Character.MAX_CODE_POINT)).end());
        assertNull(KeyRange.prefix(Character.toString(Character.MAX_CODE_POINT)).end());
    }

    @Test
    void keysCompareByCodePointLikeUtf8Bytes() {
        assertTrue(KeyRange.compare("\uFF5E", "🚀") < 0, "U+FF5E < U+1F680 although UTF-16 says otherwise");
        assertTrue(KeyRange.compare("/a", "/a/") < 0);
        assertEquals(0, KeyRange.compare("日本", "日本"));
    }

    @Test
    void aRangeWhoseStartIsAfterItsEndIsRefused() {
        assertThrows(InvalidRequestException.class, () -> KeyRange.between("/b", "/a"));
    }
}
