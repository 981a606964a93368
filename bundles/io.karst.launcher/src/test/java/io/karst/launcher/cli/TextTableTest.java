package io.karst.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void padsColumnsToTheWidestCellWithTwoSpacesAndNoTrailingBlanks() {
        String text = new TextTable("NAME", "AGE", "NOTE").row("a", 1, "").row("longer-name", 12345, "x").render();

        assertEquals("NAME         AGE    NOTE\n"
                + "a            1\n"
                + "longer-name  12345  x\n", text);
    }

    @Test
    void rowsMustHaveOneCellPerColumn() {
        assertThrows(IllegalArgumentException.class, () -> new TextTable("A", "B").row("only one"));
    }
}
