package dev.parley.persistence;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message's {@code reactions} field, {@code [{emoji, count, users: [first ≤ 3 userIds]}]}, built from its
 * reaction rows in arrival order: emoji in the order they were first used, users in the order they reacted.
 */
final class ReactionSummary {

  static final int USERS_SHOWN = 3;

  private final Map<String, JsonObject> byEmoji = new LinkedHashMap<>();

  /** One reaction row, in arrival order; {@code count} is how many users reacted with this emoji in all. */
  ReactionSummary add(String emoji, String userId, long count) {
    JsonObject entry = byEmoji.computeIfAbsent(emoji, key -> new JsonObject().put("emoji", key)
        .put("count", count).put("users", new JsonArray()));
    JsonArray users = entry.getJsonArray("users");
    if (users.size() < USERS_SHOWN) {
      users.add(userId);
    }
    return this;
  }

  /** The field's value; null when the message has no reactions. */
  JsonArray toJson() {
    return byEmoji.isEmpty() ? null : new JsonArray(new java.util.ArrayList<>(byEmoji.values()));
  }
}
