package io.karst.apiserver.selection;

/** The operators of a label requirement, with upstream's spelling ({@code k8s.io/apimachinery/pkg/selection}). */
public enum LabelOperator {
    IN("in"),
    NOT_IN("notin"),
    EQUALS("="),
    DOUBLE_EQUALS("=="),
    NOT_EQUALS("!="),
    GREATER_THAN("gt"),
    LESS_THAN("lt"),
    EXISTS("exists"),
    DOES_NOT_EXIST("!");

    private final String symbol;

    LabelOperator(String symbol) {
        this.symbol = symbol;
    }

    /** Upstream's operator string, e.g. {@code notin} or {@code gt}. */
    public String symbol() {
        return symbol;
    }
}
