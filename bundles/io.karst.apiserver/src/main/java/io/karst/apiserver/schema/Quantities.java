package io.karst.apiserver.schema;

/**
 * The syntax of a resource.Quantity ("100m", "1.5Gi", "2e3"), with upstream's two parse errors: a number part
 * that does not match, and a suffix that is none of the binary SI, decimal SI or exponent forms.
 */
final class Quantities {

  static final String FORMAT_WRONG =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  static final String SUFFIX_WRONG = "unable to parse quantity's suffix";

  private Quantities() {}

  /** Null when the text is a valid quantity, else upstream's error text. */
  static String check(String text) {
    int i = 0;
    int n = text.length();
    if (n == 0) {
      return FORMAT_WRONG;
    }
    if (text.charAt(0) == '+' || text.charAt(0) == '-') {
      i++;
    }
    int digits = 0;
    int dots = 0;
    while (i < n && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
      if (text.charAt(i) == '.') {
        dots++;
      } else {
        digits++;
      }
      i++;
    }
    if (digits == 0 || dots > 1) {
      return FORMAT_WRONG;
    }
    String suffix = text.substring(i);
    if (!suffix.matches("[eEinumkKMGTP]*[-+]?[0-9]*")) {
      return FORMAT_WRONG;
    }
    return validSuffix(suffix) ? null : SUFFIX_WRONG;
  }

  private static boolean validSuffix(String suffix) {
    return switch (suffix) {
      case "", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" -> true;
      default -> suffix.matches("[eE][-+]?[0-9]+");
    };
  }
}
