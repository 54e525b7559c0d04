package dev.parley.rooms;

import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomStanding;
import java.util.Set;

/** What a valid room request looks like (CONTRACT.md limits). Who may do what is {@link RoomStanding}. */
final class RoomRules {

  static final Set<String> VISIBILITIES = Set.of("public", "private");
  static final Set<String> ROLES = Set.of("owner", "admin", "member");
  static final int MAX_NAME_CHARS = 100;
  static final int MAX_SLOW_MODE_SECONDS = 3600;
  static final int MAX_BAN_REASON_CHARS = 500;

  private RoomRules() {
  }

  /** A room name: 1-100 characters after trimming. Returns it trimmed. */
  static String name(Object value, boolean required) {
    if (value == null && !required) {
      return null;
    }
    if (!(value instanceof String text) || text.isBlank()) {
      throw ParleyException.badRequest("name", "name is required (1-" + MAX_NAME_CHARS + " characters)");
    }
    String trimmed = text.strip();
    if (trimmed.codePointCount(0, trimmed.length()) > MAX_NAME_CHARS) {
      throw ParleyException.badRequest("name", "name must be at most " + MAX_NAME_CHARS + " characters");
    }
    return trimmed;
  }

  static String visibility(Object value, String fallback) {
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String text) || !VISIBILITIES.contains(text)) {
      throw ParleyException.badRequest("visibility", "visibility must be \"public\" or \"private\"");
    }
    return text;
  }

  static String role(Object value, String fallback) {
    if (value == null && fallback != null) {
      return fallback;
    }
    if (!(value instanceof String text) || !ROLES.contains(text)) {
      throw ParleyException.badRequest("role", "role must be \"owner\", \"admin\" or \"member\"");
    }
    return text;
  }

  /** Slow mode: whole seconds 0..3600 (0: off), or null when not given. */
  static Integer slowModeSeconds(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer seconds) || seconds < 0 || seconds > MAX_SLOW_MODE_SECONDS) {
      throw ParleyException.badRequest("slowModeSeconds",
          "slowModeSeconds must be a whole number of seconds from 0 to " + MAX_SLOW_MODE_SECONDS);
    }
    return seconds;
  }

  /** The optional reason of a ban: at most 500 characters, trimmed; null when absent or blank. */
  static String reason(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text) || text.codePointCount(0, text.length()) > MAX_BAN_REASON_CHARS) {
      throw ParleyException.badRequest("reason", "reason must be text of at most " + MAX_BAN_REASON_CHARS + " characters");
    }
    return text.isBlank() ? null : text.strip();
  }
}
