package dev.parley.hooks;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.stream.Collectors;

/** An enabled outgoing webhook as persistence lists it ({@code activeHooks}): where, what, and its HMAC key. */
record Hook(String id, String roomId, String url, Set<String> events, String secret) {

  static Hook fromJson(JsonObject json) {
    return new Hook(json.getString("id"), json.getString("roomId"), json.getString("url"),
        json.getJsonArray("events").stream().map(String.class::cast).collect(Collectors.toUnmodifiableSet()),
        json.getString("secret"));
  }

  boolean wants(String type) {
    return events.contains(type);
  }

  /** Never the secret: hooks appear in logs. */
  @Override
  public String toString() {
    return "hook " + id + " of room " + roomId;
  }
}
