package io.karst.apiserver.selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelSelectorErrorTest {
    private static final String LABEL_VALUE_RULE = "a valid label must be an empty string or consist of alphanumeric "
            + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  "
            + "or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    private static final String NAME_RULE = "must consist of alphanumeric characters, '-', '_' or '.', and must start "
            + "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
            + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private static String error(String selector) {
        return assertThrows(InvalidSelectorException.class, () -> LabelSelector.parse(selector)).getMessage();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "a in (|unable to parse requirement: found '', expected: ',', ')' or identifier",
        "a in (x|unable to parse requirement: found '', expected: ',' or ')'",
        "a in (x y)|unable to parse requirement: found 'y', expected: ',' or ')'",
        "a in (x,=)|unable to parse requirement: found '=', expected: ',', or identifier",
        "a in x|unable to parse requirement: found 'x' expected: '('",
        "a b|unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
        "a ! b|unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt",
        "a=(|unable to parse requirement: found '(', expected: identifier",
        "!=a|found '!=', expected: !, identifier, or 'end of string'",
        "!|unable to parse requirement: found '', expected: identifier",
        "a=b,|found '', expected: identifier after ','",
        "a=b,,c|found ',', expected: identifier after ','",
        "a=b c|found 'c', expected: ',' or 'end of string'",
        "!a=b|found '=', expected: ',' or 'end of string'",
        "=a|found '=', expected: !, identifier, or 'end of string'",
        "(a)|found '(', expected: !, identifier, or 'end of string'",
    })
    void syntaxErrorsCarryUpstreamsMessages(String selector, String message) {
        assertEquals(message, error(selector));
    }

    @Test
    void nonIntegerBoundOfGreaterThanIsRejected() {
        assertEquals("unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the "
                + "value must be an integer", error("a>b"));
    }

    @Test
    void invalidValueNamesTheValueAndKeyInItsPath() {
        assertEquals("unable to parse requirement: values[0][a]: Invalid value: \"b$c\": " + LABEL_VALUE_RULE,
                error("a=b$c"));
    }

    @Test
    void tooLongValueReportsLengthAndStillChecksShape() {
        String value = "v".repeat(64);
        assertEquals("unable to parse requirement: values[0][a]: Invalid value: \"" + value
                + "\": must be no more than 63 characters", error("a=" + value));
    }

    @Test
    void invalidKeyIsReportedWithUpstreamsNilPath() {
        assertEquals("unable to parse requirement: <nil>: Invalid value: \"-a\": name part " + NAME_RULE,
                error("-a=b"));
    }

    @Test
    void invalidKeyPrefixIsReportedAsAPrefixPart() {
        assertEquals("unable to parse requirement: <nil>: Invalid value: \"Example.com/a\": prefix part a lowercase "
                + "RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
                + "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
                + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", error("Example.com/a"));
    }

    @Test
    void keyWithTwoSlashesIsNotAQualifiedName() {
        assertEquals("unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name " + NAME_RULE
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')", error("a/b/c"));
    }

    @Test
    void emptyNamePartGivesBothUpstreamMessagesJoined() {
        assertEquals("unable to parse requirement: <nil>: Invalid value: \"x/\": name part must be non-empty; "
                + "name part " + NAME_RULE, error("x/"));
    }

    @Test
    void valuesAreQuotedTheGoWay() {
        assertEquals("unable to parse requirement: values[0][a]: Invalid value: \"\\\"q\\\"\": " + LABEL_VALUE_RULE,
                error("a=\"q\""));
        assertEquals("unable to parse requirement: values[0][a]: Invalid value: \"\\x01\": " + LABEL_VALUE_RULE,
                error("a=\u0001"));
    }
}
