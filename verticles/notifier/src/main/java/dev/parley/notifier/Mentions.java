package dev.parley.notifier;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code @username} mentions of a message text, lower-cased. A mention starts with {@code @} not glued to a
 * preceding word (so e-mail addresses are not mentions) and is a valid username (3-32 of
 * {@code a-z A-Z 0-9 _ . -}); since a sentence may end right after it ({@code thanks @alice.}), the name without
 * its trailing dots and dashes is a candidate too. Which candidates are members is for persistence to say.
 */
final class Mentions {

  private static final Pattern MENTION = Pattern.compile("(?<![A-Za-z0-9_.@-])@([A-Za-z0-9_.-]{3,32})");
  static final int MAX_PER_MESSAGE = 20;

  private Mentions() {
  }

  static Set<String> in(String text) {
    Set<String> names = new LinkedHashSet<>();
    if (text == null || text.indexOf('@') < 0) {
      return names;
    }
    Matcher matcher = MENTION.matcher(text);
    while (matcher.find() && names.size() < MAX_PER_MESSAGE) {
      String name = matcher.group(1).toLowerCase(Locale.ROOT);
      names.add(name);
      String trimmed = name.replaceAll("[.-]+$", "");
      if (trimmed.length() >= 3) {
        names.add(trimmed);
      }
    }
    return names;
  }
}
