package io.karst.apiserver.schema;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * Checks an RFC 3339 timestamp the way Go's time.Parse(time.RFC3339, ...) does for metav1.Time, and words its
 * failure as Go does: parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006".
 */
final class GoTimes {

  static final String LAYOUT = "2006-01-02T15:04:05Z07:00";

  private GoTimes() {}

  /** Null when valid, else Go's error text. */
  static String check(String value) {
    int[] pos = {0};
    String[][] elements = {
        {"2006", "d4"}, {"-", "-"}, {"01", "d2"}, {"-", "-"}, {"02", "d2"}, {"T", "T"}, {"15", "d2"}, {":", ":"},
        {"04", "d2"}, {":", ":"}, {"05", "d2"}};
    for (String[] element : elements) {
      if (!consume(value, pos, element[1])) {
        return cannotParse(value, pos[0], element[0]);
      }
    }
    if (pos[0] < value.length() && value.charAt(pos[0]) == '.') {
      int start = ++pos[0];
      while (pos[0] < value.length() && Character.isDigit(value.charAt(pos[0]))) {
        pos[0]++;
      }
      if (pos[0] == start) {
        return cannotParse(value, start - 1, "Z07:00");
      }
    }
    if (pos[0] < value.length() && value.charAt(pos[0]) == 'Z') {
      pos[0]++;
    } else if (!(consume(value, pos, "s") && consume(value, pos, "d2") && consume(value, pos, ":")
        && consume(value, pos, "d2"))) {
      return cannotParse(value, Math.min(pos[0], value.length()), "Z07:00");
    }
    if (pos[0] != value.length()) {
      return "parsing time " + quote(value) + ": extra text: " + quote(value.substring(pos[0]));
    }
    return range(value);
  }

  private static String range(String value) {
    int month = Integer.parseInt(value.substring(5, 7));
    if (month < 1 || month > 12) {
      return "parsing time " + quote(value) + ": month out of range";
    }
    try {
      LocalDate.of(Integer.parseInt(value.substring(0, 4)), month, Integer.parseInt(value.substring(8, 10)));
    } catch (DateTimeException e) {
      return "parsing time " + quote(value) + ": day out of range";
    }
    if (Integer.parseInt(value.substring(11, 13)) > 23) {
      return "parsing time " + quote(value) + ": hour out of range";
    }
    if (Integer.parseInt(value.substring(14, 16)) > 59) {
      return "parsing time " + quote(value) + ": minute out of range";
    }
    if (Integer.parseInt(value.substring(17, 19)) > 59) {
      return "parsing time " + quote(value) + ": second out of range";
    }
    return null;
  }

  private static boolean consume(String value, int[] pos, String what) {
    int p = pos[0];
    switch (what) {
      case "d4", "d2" -> {
        int n = what.equals("d4") ? 4 : 2;
        for (int i = 0; i < n; i++) {
          if (p + i >= value.length() || !Character.isDigit(value.charAt(p + i))) {
            return false;
          }
        }
        pos[0] = p + n;
        return true;
      }
      case "s" -> {
        if (p < value.length() && (value.charAt(p) == '+' || value.charAt(p) == '-')) {
          pos[0] = p + 1;
          return true;
        }
        return false;
      }
      default -> {
        if (value.startsWith(what, p)) {
          pos[0] = p + what.length();
          return true;
        }
        return false;
      }
    }
  }

  private static String cannotParse(String value, int at, String layoutElement) {
    return "parsing time " + quote(value) + " as " + quote(LAYOUT) + ": cannot parse "
        + quote(value.substring(at)) + " as " + quote(layoutElement);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
