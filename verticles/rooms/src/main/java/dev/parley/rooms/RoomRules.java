package dev.parley.rooms;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** Who may do what in a room, and what a valid room looks like (CONTRACT.md limits). */
final class RoomRules {

  static final Set<String> VISIBILITIES = Set.of("public", "private");
  static final Set<String> ROLES = Set.of("owner", "admin", "member");
  static final int MAX_NAME_CHARS = 100;

  private RoomRules() {
  }

  /** The caller's standing, from the persistence {@code access} answer. */
  record Standing(JsonObject room, String role) {

    static Standing of(JsonObject access) {
      return new Standing(access.getJsonObject("room"), access.getString("role"));
    }

    boolean member() {
      return role != null;
    }

    boolean owner() {
      return "owner".equals(role);
    }

    boolean admin() {
      return owner() || "admin".equals(role);
    }

    boolean isPublic() {
      return "public".equals(room.getString("visibility"));
    }

    String roomId() {
      return room.getString("id");
    }

    /** Members may look; for anyone else a private room does not exist. */
    Standing requireVisible() {
      if (!member() && !isPublic()) {
        throw notFound();
      }
      return this;
    }

    Standing requireMember() {
      requireVisible();
      if (!member()) {
        throw new ParleyException(ErrorCode.FORBIDDEN, "you are not a member of this room");
      }
      return this;
    }

    Standing requireAdmin() {
      requireMember();
      if (!admin()) {
        throw new ParleyException(ErrorCode.FORBIDDEN, "only the owner or an admin can do this");
      }
      return this;
    }

    Standing requireOwner() {
      requireMember();
      if (!owner()) {
        throw new ParleyException(ErrorCode.FORBIDDEN, "only the owner can do this");
      }
      return this;
    }
  }

  static ParleyException notFound() {
    return new ParleyException(ErrorCode.NOT_FOUND, "no such room");
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
}
