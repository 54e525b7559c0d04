package dev.parley.contract;

import io.vertx.core.json.JsonObject;

/**
 * A user's standing in a room and who may do what (CONTRACT.md roles: one owner, admins, members; private rooms
 * do not exist for outsiders). Persistence applies it to the room and role it reads under the room lock, inside
 * the transaction that writes; the rooms verticle applies it to reads.
 *
 * @param room the room as on the wire
 * @param role the user's role, or null when not a member
 */
public record RoomStanding(JsonObject room, String role) {

  public static final String OWNER = "owner";
  public static final String ADMIN = "admin";
  public static final String MEMBER = "member";

  /** From persistence's {@link RoomActions#ACCESS} answer: {@code {room, role?}}. */
  public static RoomStanding of(JsonObject access) {
    return new RoomStanding(access.getJsonObject("room"), access.getString("role"));
  }

  public boolean member() {
    return role != null;
  }

  public boolean owner() {
    return OWNER.equals(role);
  }

  public boolean admin() {
    return owner() || ADMIN.equals(role);
  }

  public boolean isPublic() {
    return "public".equals(room.getString("visibility"));
  }

  public boolean direct() {
    return "direct".equals(room.getString("kind"));
  }

  public String roomId() {
    return room.getString("id");
  }

  /** Members may look; for anyone else a private room does not exist. */
  public RoomStanding requireVisible() {
    if (!member() && !isPublic()) {
      throw notFound();
    }
    return this;
  }

  public RoomStanding requireMember() {
    ParleyException refused = refusal(true, isPublic(), member());
    if (refused != null) {
      throw refused;
    }
    return this;
  }

  /**
   * The one 404/403 rule of a member-only action, wherever the standing was read (here, persistence's access
   * check, the send batch): null for a member; for anyone else a room that does not exist or is private is 404
   * (a private room does not exist for outsiders), a public one 403.
   */
  public static ParleyException refusal(boolean exists, boolean isPublic, boolean member) {
    if (exists && member) {
      return null;
    }
    return exists && isPublic
        ? new ParleyException(ErrorCode.FORBIDDEN, "you are not a member of this room")
        : notFound();
  }

  public RoomStanding requireAdmin() {
    requireMember();
    if (!admin()) {
      throw new ParleyException(ErrorCode.FORBIDDEN, "only the owner or an admin can do this");
    }
    return this;
  }

  public RoomStanding requireOwner() {
    requireMember();
    if (!owner()) {
      throw new ParleyException(ErrorCode.FORBIDDEN, "only the owner can do this");
    }
    return this;
  }

  /** Whether this user may remove a member holding {@code targetRole}: never the owner, admins only by the owner. */
  public boolean mayRemove(String targetRole) {
    return !OWNER.equals(targetRole) && (owner() || !ADMIN.equals(targetRole));
  }

  /** Whether this user may give {@code newRole} to a member they add: owner never, admin only by the owner. */
  public boolean mayGrant(String newRole) {
    return !OWNER.equals(newRole) && (owner() || !ADMIN.equals(newRole));
  }

  /** Whether this user may ban a user holding {@code targetRole} (null: not a member): as {@link #mayRemove}. */
  public boolean mayBan(String targetRole) {
    return mayRemove(targetRole);
  }

  /** Whether this user may delete a message: its author, an admin or the owner. */
  public boolean mayDeleteMessage(boolean author) {
    return member() && (author || admin());
  }

  /** Whether slow mode leaves this user alone: the owner and admins may always send. */
  public boolean exemptFromSlowMode() {
    return admin();
  }

  public static ParleyException notFound() {
    return new ParleyException(ErrorCode.NOT_FOUND, "no such room");
  }
}
