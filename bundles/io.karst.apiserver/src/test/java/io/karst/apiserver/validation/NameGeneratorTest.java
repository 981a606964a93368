package io.karst.apiserver.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class NameGeneratorTest {
    @Test
    void appendsFiveCharactersFromTheVowelFreeAlphabet() {
        String name = new NameGenerator(new Random(1)).generate("web-");
        assertEquals(9, name.length());
        assertTrue(name.startsWith("web-"));
        name.substring(4).chars().forEach(c -> assertTrue(NameGenerator.ALPHABET.indexOf(c) >= 0, name));
    }

    @Test
    void longBasesAreCutTo58Characters() {
        String name = new NameGenerator(new Random(2)).generate("a".repeat(100));
        assertEquals(63, name.length());
        assertEquals("a".repeat(58), name.substring(0, 58));
    }
}
