package dev.parley.hooks;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An enabled outgoing webhook as persistence lists it ({@code activeHooks}): where, what, its HMAC key, and when
 * it was created (ms; events from before are not for it).
 */
record Hook(String id, String roomId, String url, Set<String> events, String secret, long createdAt) {

  static Hook fromJson(JsonObject json) {
    return new Hook(json.getString("id"), json.getString("roomId"), json.getString("url"),
        json.getJsonArray("events").stream().map(String.class::cast).collect(Collectors.toUnmodifiableSet()),
        json.getString("secret"), json.getLong("createdAt", 0L));
  }

  /** Whether an event of this type, committed at {@code at} (ms), is delivered to this hook. */
  boolean wants(String type, long at) {
    return at >= createdAt && events.contains(type);
  }

  /** Never the secret: hooks appear in logs. */
  @Override
  public String toString() {
    return "hook " + id + " of room " + roomId;
  }
}
