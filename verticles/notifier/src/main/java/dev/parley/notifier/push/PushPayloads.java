package dev.parley.notifier.push;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a push says about {@code count} notifications of one room, the newest being {@code latest} (a stored
 * notification: kind, room, seq, from, fromUsername, text). {@code generic} pushes carry no message text and no
 * names, only ids and the count.
 */
final class PushPayloads {

  private PushPayloads() {
  }

  /** The Web Push payload {@code {kind, room, seq, sender, title, body, count}}. */
  static JsonObject webPush(JsonObject latest, int count, boolean generic) {
    String who = latest.getString("fromUsername", "someone");
    String title = generic ? "Parley" : switch (latest.getString("kind")) {
      case "mention" -> who + " mentioned you";
      case "direct" -> who;
      default -> who + " wrote";
    };
    String body = generic ? (count == 1 ? "New notification" : count + " new notifications")
        : count == 1 ? latest.getString("text") : count + " new: " + latest.getString("text");
    return new JsonObject().put("kind", latest.getString("kind")).put("room", latest.getString("room"))
        .put("seq", latest.getLong("seq")).put("sender", latest.getString("from")).put("title", title)
        .put("body", body).put("count", count);
  }

  /**
   * A Matrix push gateway request ({@code /_matrix/push/v1/notify}) for one device. Generic pushes use the spec's
   * {@code event_id_only} form: the app fetches the rest itself.
   */
  static JsonObject gateway(JsonObject latest, int count, boolean generic, JsonObject subscription) {
    JsonObject device = new JsonObject().put("app_id", subscription.getString("appId"))
        .put("pushkey", subscription.getString("pushkey"))
        .put("pushkey_ts", subscription.getLong("createdAt", 0L) / 1000)
        .put("data", generic ? new JsonObject().put("format", "event_id_only") : new JsonObject());
    JsonObject notification = new JsonObject()
        .put("event_id", latest.getString("room") + ":" + latest.getLong("seq"))
        .put("room_id", latest.getString("room"))
        .put("counts", new JsonObject().put("unread", count))
        .put("prio", "high")
        .put("devices", new JsonArray().add(device));
    if (!generic) {
      notification.put("type", "m.room.message").put("sender", latest.getString("from"))
          .put("sender_display_name", latest.getString("fromUsername"))
          .put("content", new JsonObject().put("msgtype", "m.text").put("body", latest.getString("text"))
              .put("parley_kind", latest.getString("kind")));
    }
    return new JsonObject().put("notification", notification);
  }
}
