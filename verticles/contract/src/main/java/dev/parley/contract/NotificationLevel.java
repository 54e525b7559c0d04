package dev.parley.contract;

import java.util.Locale;

/**
 * How much of a room notifies a user: {@code all} messages, only {@code mentions}, or {@code none} (mute).
 * A user has one level for every room; a room may override it (its {@code default} is no override).
 */
public enum NotificationLevel {
  ALL, MENTIONS, NONE;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code all|mentions|none}; anything else is a 400 naming {@code field}. */
  public static NotificationLevel parse(Object value, String field) {
    if (value instanceof String text) {
      for (NotificationLevel level : values()) {
        if (level.wire().equals(text)) {
          return level;
        }
      }
    }
    throw ParleyException.badRequest(field, field + " must be all, mentions or none");
  }

  /**
   * Whether a message notifies: the room's own level if it has one, else {@code all} in a direct room (a
   * direct message is always for the user) and the user's level elsewhere; {@code mentions} needs a mention.
   *
   * @param roomLevel null when the room uses the default
   */
  public static boolean notifies(NotificationLevel userLevel, NotificationLevel roomLevel, boolean direct,
      boolean mentioned) {
    NotificationLevel effective = roomLevel != null ? roomLevel : direct ? ALL : userLevel;
    return effective == ALL || effective == MENTIONS && mentioned;
  }
}
