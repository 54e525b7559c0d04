package dev.parley.notifier;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code text} of a notification: the message's text cut to {@code notifications.snippetChars} code points,
 * and what it attached. A message of attachments only reads "sent a file: report.pdf" (or "sent an image: ...",
 * "sent 3 files: a.pdf, b.png, c.zip"); one with text too gets "(+ report.pdf)" or "(+ 3 files)" after it.
 */
final class NotificationText {

  private static final int NAMES_LISTED = 3;

  private final int snippetChars;

  NotificationText(int snippetChars) {
    this.snippetChars = snippetChars;
  }

  /** {@code attachments} as the message shows them ({@code [{name, contentType, ...}]}); null or empty: none. */
  String of(String text, JsonArray attachments) {
    if (attachments == null || attachments.isEmpty()) {
      return snippet(text);
    }
    List<String> names = new ArrayList<>();
    boolean images = true;
    for (int i = 0; i < attachments.size(); i++) {
      JsonObject attachment = attachments.getJsonObject(i);
      names.add(attachment.getString("name", "file"));
      images &= attachment.getString("contentType", "").startsWith("image/");
    }
    int count = names.size();
    String kind = images ? (count == 1 ? "an image" : count + " images") : (count == 1 ? "a file" : count + " files");
    if (text == null || text.isBlank()) {
      String listed = String.join(", ", names.subList(0, Math.min(NAMES_LISTED, count)))
          + (count > NAMES_LISTED ? ", …" : "");
      return snippet("sent " + kind + ": " + listed);
    }
    return snippet(text + " (+ " + (count == 1 ? names.get(0) : kind) + ")");
  }

  private String snippet(String text) {
    if (text.codePointCount(0, text.length()) <= snippetChars) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, Math.max(1, snippetChars - 1))) + "…";
  }
}
