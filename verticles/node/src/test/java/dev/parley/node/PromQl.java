package dev.parley.node;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression (of the dashboard or of an alert rule) reads. Enough PromQL for that:
 * strings, label matchers, ranges, Grafana variables and grouping label lists are dropped first; what is left
 * and is neither a function call nor a keyword is a metric name.
 */
final class PromQl {

  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "bool", "and", "or", "unless", "offset", "inf", "nan");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

  private PromQl() {
  }

  static Set<String> metricNames(String expression) {
    String rest = STRING.matcher(expression).replaceAll("\"\"");
    rest = rest.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^\\]]*]", " ").replaceAll("\\$\\{?\\w+}?", " ");
    rest = GROUPING.matcher(rest).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    Matcher identifier = IDENTIFIER.matcher(rest);
    while (identifier.find()) {
      boolean call = identifier.group(2) != null;
      String word = identifier.group(1);
      if (!call && !KEYWORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }
}
