package io.karst.apiserver.selection;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The query-string label selector grammar of upstream's {@code labels.Parse}, with its tokens, its context-dependent
 * keywords ({@code in} is a value inside parentheses) and its error messages. Tokens are read one at a time with one
 * token of lookahead, so parsing is linear and stops at the first error or at {@link #MAX_REQUIREMENTS}.
 */
final class LabelSelectorParser {
    /**
     * Upstream sets no limit; ours bounds the cost a single request can impose on every list and on every event
     * checked against a watch (each requirement is evaluated per object). Real selectors have a handful of keys; a
     * thousand leaves ample room while refusing megabyte-sized selectors before they are built.
     */
    static final int MAX_REQUIREMENTS = 1000;

    private enum Token {
        ERROR, END_OF_STRING, CLOSED_PAR, COMMA, DOES_NOT_EXIST, DOUBLE_EQUALS, EQUALS, GREATER_THAN, IDENTIFIER, IN,
        LESS_THAN, NOT_EQUALS, NOT_IN, OPEN_PAR
    }

    private record Item(Token token, String literal) {
    }

    /** Whether {@code in}/{@code notin} are keywords (after a key) or plain values (everywhere else). */
    private enum Context {
        KEY_AND_OPERATOR, VALUES
    }

    private final String input;
    private int pos;
    private Item peeked;

    private LabelSelectorParser(String input) {
        this.input = input;
    }

    static List<LabelRequirement> parse(String selector) {
        return new LabelSelectorParser(selector).requirements();
    }

    private List<LabelRequirement> requirements() {
        List<LabelRequirement> requirements = new ArrayList<>();
        while (true) {
            Item next = lookahead(Context.VALUES);
            switch (next.token) {
                case IDENTIFIER, DOES_NOT_EXIST -> {
                    requirements.add(requirement());
                    if (requirements.size() > MAX_REQUIREMENTS) {
                        throw new InvalidSelectorException("label selector has more than " + MAX_REQUIREMENTS
                                + " requirements, the most this server accepts");
                    }
                    Item after = consume(Context.VALUES);
                    switch (after.token) {
                        case END_OF_STRING -> {
                            return requirements;
                        }
                        case COMMA -> {
                            Item following = lookahead(Context.VALUES);
                            if (following.token != Token.IDENTIFIER && following.token != Token.DOES_NOT_EXIST) {
                                throw error("found '" + following.literal + "', expected: identifier after ','");
                            }
                        }
                        default -> throw error("found '" + after.literal + "', expected: ',' or 'end of string'");
                    }
                }
                case END_OF_STRING -> {
                    return requirements;
                }
                default -> throw error("found '" + next.literal + "', expected: !, identifier, or 'end of string'");
            }
        }
    }

    private LabelRequirement requirement() {
        try {
            LabelOperator operator = null;
            Item item = consume(Context.VALUES);
            if (item.token == Token.DOES_NOT_EXIST) {
                operator = LabelOperator.DOES_NOT_EXIST;
                item = consume(Context.VALUES);
            }
            if (item.token != Token.IDENTIFIER) {
                throw error("found '" + item.literal + "', expected: identifier");
            }
            String key = item.literal;
            // The parser checks the key before building the requirement, with no field path: hence "<nil>".
            String keyErrors = String.join("; ", LabelValidation.qualifiedNameErrors(key));
            if (!keyErrors.isEmpty()) {
                throw error(FieldError.invalid("<nil>", key, keyErrors).toString());
            }
            Token following = lookahead(Context.VALUES).token;
            if (following == Token.END_OF_STRING || following == Token.COMMA) {
                if (operator == null) {
                    operator = LabelOperator.EXISTS;
                }
            }
            if (operator == LabelOperator.EXISTS || operator == LabelOperator.DOES_NOT_EXIST) {
                return LabelRequirement.of(key, operator, List.of());
            }
            operator = operator();
            List<String> values = switch (operator) {
                case IN, NOT_IN -> setValues();
                default -> exactValue();
            };
            return LabelRequirement.of(key, operator, values);
        } catch (InvalidSelectorException e) {
            throw error("unable to parse requirement: " + e.getMessage());
        }
    }

    private LabelOperator operator() {
        Item item = consume(Context.KEY_AND_OPERATOR);
        return switch (item.token) {
            case IN -> LabelOperator.IN;
            case EQUALS -> LabelOperator.EQUALS;
            case DOUBLE_EQUALS -> LabelOperator.DOUBLE_EQUALS;
            case GREATER_THAN -> LabelOperator.GREATER_THAN;
            case LESS_THAN -> LabelOperator.LESS_THAN;
            case NOT_IN -> LabelOperator.NOT_IN;
            case NOT_EQUALS -> LabelOperator.NOT_EQUALS;
            default -> throw error("found '" + item.literal + "', expected: in, notin, =, ==, !=, gt, lt");
        };
    }

    /** {@code ( values )}: a sorted set, where empty entries stand for the empty value. */
    private List<String> setValues() {
        Item open = consume(Context.VALUES);
        if (open.token != Token.OPEN_PAR) {
            throw error("found '" + open.literal + "' expected: '('");
        }
        Item first = lookahead(Context.VALUES);
        switch (first.token) {
            case IDENTIFIER, COMMA -> {
                List<String> values = identifierList();
                Item close = consume(Context.VALUES);
                if (close.token != Token.CLOSED_PAR) {
                    throw error("found '" + first.literal + "', expected: ')'");
                }
                return values;
            }
            case CLOSED_PAR -> {
                consume(Context.VALUES);
                return List.of("");
            }
            default -> throw error("found '" + first.literal + "', expected: ',', ')' or identifier");
        }
    }

    private List<String> identifierList() {
        TreeSet<String> values = new TreeSet<>(LabelRequirement::compareBytes);
        while (true) {
            Item item = consume(Context.VALUES);
            switch (item.token) {
                case IDENTIFIER -> {
                    values.add(item.literal);
                    Item next = lookahead(Context.VALUES);
                    switch (next.token) {
                        case COMMA -> {
                        }
                        case CLOSED_PAR -> {
                            return new ArrayList<>(values);
                        }
                        default -> throw error("found '" + next.literal + "', expected: ',' or ')'");
                    }
                }
                case COMMA -> {
                    // "(,", ",)" and ",," each contribute the empty value.
                    if (values.isEmpty()) {
                        values.add("");
                    }
                    Item next = lookahead(Context.VALUES);
                    if (next.token == Token.CLOSED_PAR) {
                        values.add("");
                        return new ArrayList<>(values);
                    }
                    if (next.token == Token.COMMA) {
                        consume(Context.VALUES);
                        values.add("");
                    }
                }
                default -> throw error("found '" + item.literal + "', expected: ',', or identifier");
            }
        }
    }

    private List<String> exactValue() {
        Token next = lookahead(Context.VALUES).token;
        if (next == Token.END_OF_STRING || next == Token.COMMA) {
            return List.of("");
        }
        Item item = consume(Context.VALUES);
        if (item.token == Token.IDENTIFIER) {
            return List.of(item.literal);
        }
        throw error("found '" + item.literal + "', expected: identifier");
    }

    private static InvalidSelectorException error(String message) {
        return new InvalidSelectorException(message);
    }

    private Item lookahead(Context context) {
        if (peeked == null) {
            peeked = lex();
        }
        return inContext(peeked, context);
    }

    private Item consume(Context context) {
        Item item = lookahead(context);
        // Once the end is reached it stays the current token, like upstream's scanned list ending in it.
        if (peeked.token != Token.END_OF_STRING) {
            peeked = null;
        }
        return item;
    }

    private static Item inContext(Item item, Context context) {
        if (context == Context.VALUES && (item.token == Token.IN || item.token == Token.NOT_IN)) {
            return new Item(Token.IDENTIFIER, item.literal);
        }
        return item;
    }

    // ---- lexer: Go reads bytes and returns 0 at the end; a NUL character therefore also reads as "end".

    private char read() {
        if (pos < input.length()) {
            return input.charAt(pos++);
        }
        return 0;
    }

    private void unread() {
        pos--;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isSpecialSymbol(char c) {
        return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
    }

    private Item lex() {
        char c = read();
        while (isWhitespace(c)) {
            c = read();
        }
        if (c == 0) {
            return new Item(Token.END_OF_STRING, "");
        }
        unread();
        return isSpecialSymbol(c) ? specialSymbol() : identifierOrKeyword();
    }

    private Item identifierOrKeyword() {
        int start = pos;
        int end;
        while (true) {
            if (pos >= input.length()) {
                end = pos;
                break;
            }
            char c = input.charAt(pos++);
            if (c == 0) {
                end = pos - 1; // a NUL ends the identifier and is consumed, as in Go
                break;
            }
            if (isSpecialSymbol(c) || isWhitespace(c)) {
                unread();
                end = pos;
                break;
            }
        }
        String literal = input.substring(start, end);
        return switch (literal) {
            case "in" -> new Item(Token.IN, literal);
            case "notin" -> new Item(Token.NOT_IN, literal);
            default -> new Item(Token.IDENTIFIER, literal);
        };
    }

    /** The longest run of symbol characters that is still an operator ({@code !=}, {@code ==}), else one symbol. */
    private Item specialSymbol() {
        StringBuilder buffer = new StringBuilder();
        Item last = null;
        while (true) {
            char c = read();
            if (c == 0) {
                break;
            }
            if (isSpecialSymbol(c)) {
                buffer.append(c);
                Token token = symbolToken(buffer.toString());
                if (token != null) {
                    last = new Item(token, buffer.toString());
                } else if (last != null) {
                    unread();
                    break;
                }
            } else {
                unread();
                break;
            }
        }
        if (last == null) {
            return new Item(Token.ERROR, "error expected: keyword found '" + buffer + "'");
        }
        return last;
    }

    private static Token symbolToken(String s) {
        return switch (s) {
            case ")" -> Token.CLOSED_PAR;
            case "," -> Token.COMMA;
            case "!" -> Token.DOES_NOT_EXIST;
            case "==" -> Token.DOUBLE_EQUALS;
            case "=" -> Token.EQUALS;
            case ">" -> Token.GREATER_THAN;
            case "<" -> Token.LESS_THAN;
            case "!=" -> Token.NOT_EQUALS;
            case "(" -> Token.OPEN_PAR;
            default -> null;
        };
    }
}
