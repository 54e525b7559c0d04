package dev.parley.contract;

import io.vertx.core.json.JsonObject;

/**
 * A user's notification preferences ({@code GET/PUT /notifications/preferences}): the level for rooms without
 * their own, whether to push at all, whether pushes carry the message text ({@code full}) or not
 * ({@code generic}), and daily quiet hours without pushes (null: none).
 */
public record NotificationPreferences(NotificationLevel level, boolean push, boolean genericContent,
    QuietHours quietHours) {

  public static final NotificationPreferences DEFAULTS =
      new NotificationPreferences(NotificationLevel.MENTIONS, true, false, null);

  public String pushContent() {
    return genericContent ? "generic" : "full";
  }

  public JsonObject toJson() {
    return new JsonObject().put("level", level.wire()).put("push", push).put("pushContent", pushContent())
        .put("quietHours", quietHours == null ? null : quietHours.toJson());
  }

  /** The whole shape, every field required ({@code quietHours} may be null); a bad field is a 400 naming it. */
  public static NotificationPreferences fromJson(JsonObject json) {
    NotificationLevel level = NotificationLevel.parse(json.getValue("level"), "level");
    if (!(json.getValue("push") instanceof Boolean push)) {
      throw ParleyException.badRequest("push", "push must be true or false");
    }
    Object content = json.getValue("pushContent");
    if (!"full".equals(content) && !"generic".equals(content)) {
      throw ParleyException.badRequest("pushContent", "pushContent must be full or generic");
    }
    Object quiet = json.getValue("quietHours");
    return new NotificationPreferences(level, push, "generic".equals(content),
        quiet == null ? null : QuietHours.fromJson(quiet));
  }
}
