package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomStanding;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Set;

/**
 * The role-dependent writes of rooms. Each locks the room row (SELECT ... FOR UPDATE), reads the acting and the
 * target member's roles under that lock and decides with {@link RoomStanding} in the transaction that writes.
 * Every membership change takes the same lock first, so no decision rests on a role that another transaction
 * is changing: a live group room keeps exactly one owner under any interleaving (issue 18). Requests carry
 * {@code userId}, the caller.
 */
final class RoomWrites {

  private static final String LOCK_ROOM =
      "SELECT " + RoomRows.ROOM_COLUMNS + " FROM rooms r WHERE r.id = ? AND r.deleted_at IS NULL FOR UPDATE";
  /** A locking read: it sees the latest committed roles, not the transaction's snapshot. */
  private static final String ROLES = "SELECT user_id, role FROM room_members WHERE room_id = ? AND user_id IN (?, ?) FOR UPDATE";
  private static final String UPDATE_ROOM =
      "UPDATE rooms SET name = COALESCE(?, name), visibility = COALESCE(?, visibility),"
          + " slow_mode_seconds = COALESCE(?, slow_mode_seconds) WHERE id = ?";
  private static final String MARK_DELETED = "UPDATE rooms SET deleted_at = ?, direct_key = NULL WHERE id = ?";
  private static final String MEMBER_IDS = "SELECT user_id FROM room_members WHERE room_id = ?";
  private static final String DELETE_MEMBERS = "DELETE FROM room_members WHERE room_id = ?";
  private static final String COUNT_MEMBER = "UPDATE rooms SET member_count = member_count + ? WHERE id = ?";
  private static final String REMOVE_MEMBER = "DELETE FROM room_members WHERE room_id = ? AND user_id = ?";
  private static final String SET_ROLE = "UPDATE room_members SET role = ? WHERE room_id = ? AND user_id = ?";

  private final Shards shards;
  private final Usernames usernames;
  private final RoomCaps caps;
  private final Blocks blocks;

  RoomWrites(Shards shards, Usernames usernames, RoomCaps caps, Blocks blocks) {
    this.shards = shards;
    this.usernames = usernames;
    this.caps = caps;
    this.blocks = blocks;
  }

  /** The room as read under its lock, the caller's standing in it and the target member's role (null: none). */
  record Locked(RoomStanding actor, String targetRole) {

    JsonObject room() {
      return actor.room();
    }
  }

  /** {@code {userId, roomId, name?, visibility?, slowModeSeconds?}} (owner/admin) -> the room. */
  Future<JsonObject> update(JsonObject request) {
    Integer slowMode = request.getInteger("slowModeSeconds");
    return locked(request, request.getString("userId"), (connection, locked) -> {
      RoomStanding actor = locked.actor().requireAdmin();
      if (actor.direct()) {
        throw new ParleyException(ErrorCode.FORBIDDEN, "a direct room cannot be changed");
      }
      long roomId = Long.parseLong(actor.roomId());
      Future<?> updated = connection.preparedQuery(UPDATE_ROOM)
          .execute(Tuple.of(request.getString("name"), request.getString("visibility"), slowMode, roomId));
      if (slowMode != null && !slowMode.equals(actor.room().getInteger("slowModeSeconds"))) {
        updated = updated.compose(done -> Audit.record(connection, new Audit.Entry(userId(request), Audit.SLOW_MODE,
            null, roomId, null, null, slowMode + " s")));
      }
      return updated.compose(done -> RoomRows.room(connection, roomId));
    });
  }

  /** {@code {userId, roomId}} (owner) -> {@code {memberIds}}: marks the room deleted and removes every member. */
  Future<JsonObject> delete(JsonObject request) {
    return locked(request, request.getString("userId"), (connection, locked) -> {
      long roomId = Long.parseLong(locked.actor().requireOwner().roomId());
      return connection.preparedQuery(MEMBER_IDS).execute(Tuple.of(roomId)).compose(rows -> {
        JsonArray memberIds = new JsonArray();
        rows.forEach(row -> memberIds.add(String.valueOf(row.getLong("user_id"))));
        return connection.preparedQuery(MARK_DELETED).execute(Tuple.of(System.currentTimeMillis(), roomId))
            .compose(marked -> connection.preparedQuery(DELETE_MEMBERS).execute(Tuple.of(roomId)))
            .map(removed -> new JsonObject().put("memberIds", memberIds));
      });
    });
  }

  /** {@code {userId, roomId}} (public rooms) -> {@code {room, joined}}; joined is false for a member already. */
  Future<JsonObject> join(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    return locked(request, request.getString("userId"), (connection, locked) -> {
      RoomStanding actor = locked.actor();
      if (actor.member()) {
        return Future.succeededFuture(new JsonObject().put("room", actor.room()).put("joined", false));
      }
      actor.requireVisible();
      long roomId = Long.parseLong(actor.roomId());
      return requireNotBanned(connection, roomId, userId, "you are banned from this room")
          .compose(allowed -> insertMember(connection, locked, userId, RoomStanding.MEMBER, "userId"))
          .compose(inserted -> RoomRows.room(connection, roomId))
          .map(room -> new JsonObject().put("room", room).put("joined", true));
    });
  }

  /** {@code {userId, roomId}} -> {@code {removed}}: the caller leaves; not the owner, not a direct room. */
  Future<JsonObject> leave(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    return locked(request, request.getString("userId"), (connection, locked) -> {
      RoomStanding actor = locked.actor().requireMember();
      if (actor.direct()) {
        // POST /rooms/direct must keep answering with a room both users can use.
        throw new ParleyException(ErrorCode.CONFLICT, "a direct room cannot be left");
      }
      if (actor.owner()) {
        throw new ParleyException(ErrorCode.CONFLICT,
            "the owner cannot leave: make another member owner first, or delete the room");
      }
      return remove(connection, locked, userId);
    });
  }

  /** {@code {userId, roomId, memberId, role}} (owner/admin; admin role by the owner) -> the member. */
  Future<JsonObject> addMember(JsonObject request) {
    long memberId = Ids.parse(request.getString("memberId"), "user");
    String role = request.getString("role", RoomStanding.MEMBER);
    // Read before the room's transaction (users and blocks are on shard 0), judged after the role checks below.
    Future<Boolean> blocked = blocks.blocked(memberId, userId(request));
    return usernames.of(Set.of(memberId)).compose(found -> blocked.compose(blockedActor -> locked(request,
        request.getString("memberId"),
        (connection, locked) -> {
          RoomStanding actor = locked.actor().requireAdmin();
          if (actor.direct()) {
            throw new ParleyException(ErrorCode.FORBIDDEN, "a direct room has exactly two members");
          }
          if (!actor.mayGrant(role)) {
            throw new ParleyException(ErrorCode.FORBIDDEN, "only the owner can grant this role", "role");
          }
          if (found.isEmpty()) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "no such user", "userId");
          }
          if (blockedActor) {
            throw new ParleyException(ErrorCode.FORBIDDEN, "this user does not accept that from you", "userId");
          }
          if (locked.targetRole() != null) {
            throw new ParleyException(ErrorCode.CONFLICT, "already a member");
          }
          long roomId = Long.parseLong(actor.roomId());
          return requireNotBanned(connection, roomId, memberId, "this user is banned from this room")
              .compose(allowed -> insertMember(connection, locked, memberId, role, "userId"))
              .compose(inserted -> RoomRows.member(connection, roomId, memberId));
        }))).compose(usernames::addTo);
  }

  /** {@code {userId, roomId, memberId}} (owner/admin) -> {@code {removed}}: a kick, or the caller leaving. */
  Future<JsonObject> removeMember(JsonObject request) {
    long actorId = Ids.parse(request.getString("userId"), "user");
    long memberId = Ids.parse(request.getString("memberId"), "user");
    return locked(request, request.getString("memberId"), (connection, locked) -> {
      RoomStanding actor = locked.actor().requireAdmin();
      if (memberId == actorId) {
        if (actor.owner()) {
          throw new ParleyException(ErrorCode.CONFLICT, "the owner cannot leave");
        }
      } else if (locked.targetRole() == null) {
        throw new ParleyException(ErrorCode.NOT_FOUND, "no such member");
      } else if (!actor.mayRemove(locked.targetRole())) {
        throw new ParleyException(ErrorCode.FORBIDDEN, "you cannot remove this member");
      }
      Future<JsonObject> removed = remove(connection, locked, memberId);
      return memberId == actorId ? removed : removed.compose(result -> Audit.record(connection, new Audit.Entry(
          actorId, Audit.KICK, memberId, Long.parseLong(actor.roomId()), null, null, null)).map(result));
    });
  }

  /**
   * {@code {userId, roomId, memberId, reason?}} (owner/admin; not the owner, admins only by the owner) ->
   * {@code {ban, removed}}: the user is removed if a member and kept out (join, add and send: 403) until unbanned.
   */
  Future<JsonObject> ban(JsonObject request) {
    long actorId = userId(request);
    long memberId = Ids.parse(request.getString("memberId"), "user");
    String reason = request.getString("reason");
    return usernames.of(Set.of(memberId)).compose(found -> locked(request, request.getString("memberId"),
        (connection, locked) -> {
          RoomStanding actor = locked.actor().requireAdmin();
          if (actor.direct()) {
            throw new ParleyException(ErrorCode.FORBIDDEN, "a direct room has no bans");
          }
          if (memberId == actorId) {
            throw new ParleyException(ErrorCode.FORBIDDEN, "you cannot ban yourself");
          }
          if (!actor.mayBan(locked.targetRole())) {
            throw new ParleyException(ErrorCode.FORBIDDEN, "you cannot ban this member");
          }
          if (found.isEmpty()) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "no such user", "userId");
          }
          long roomId = Long.parseLong(actor.roomId());
          return RoomBans.insert(connection, roomId, memberId, actorId, reason).compose(ban -> {
            Future<JsonObject> removed = locked.targetRole() == null
                ? Future.succeededFuture(new JsonObject().put("removed", false))
                : remove(connection, locked, memberId);
            // The audit's seq is the room's last message when the ban committed: none of theirs can follow it.
            return removed.compose(result -> Audit.record(connection, new Audit.Entry(actorId, Audit.BAN, memberId,
                roomId, locked.room().getLong("lastSeq"), reason, null)).map(result.put("ban", ban)));
          });
        }));
  }

  /** {@code {userId, roomId, memberId}} (owner/admin) -> {@code {}}: lifts a ban; 404 when there is none. */
  Future<JsonObject> unban(JsonObject request) {
    long actorId = userId(request);
    long memberId = Ids.parse(request.getString("memberId"), "user");
    return locked(request, request.getString("memberId"), (connection, locked) -> {
      long roomId = Long.parseLong(locked.actor().requireAdmin().roomId());
      return RoomBans.delete(connection, roomId, memberId).compose(lifted -> {
        if (!lifted) {
          throw new ParleyException(ErrorCode.NOT_FOUND, "no such ban");
        }
        return Audit.record(connection, new Audit.Entry(actorId, Audit.UNBAN, memberId, roomId, null, null, null))
            .map(new JsonObject());
      });
    });
  }

  /**
   * {@code {userId, roomId, memberId, role}} (owner) -> the member. Making someone owner demotes the caller,
   * the owner, to admin in the same transaction.
   */
  Future<JsonObject> setRole(JsonObject request) {
    long actorId = Ids.parse(request.getString("userId"), "user");
    long memberId = Ids.parse(request.getString("memberId"), "user");
    String role = request.getString("role");
    return locked(request, request.getString("memberId"), (connection, locked) -> {
      long roomId = Long.parseLong(locked.actor().requireOwner().roomId());
      if (memberId == actorId) {
        throw new ParleyException(ErrorCode.CONFLICT, "make another member owner instead");
      }
      if (locked.targetRole() == null) {
        throw new ParleyException(ErrorCode.NOT_FOUND, "no such member");
      }
      Future<?> changed = connection.preparedQuery(SET_ROLE).execute(Tuple.of(role, roomId, memberId));
      if (RoomStanding.OWNER.equals(role)) {
        changed = changed.compose(promoted -> connection.preparedQuery(SET_ROLE)
            .execute(Tuple.of(RoomStanding.ADMIN, roomId, actorId)));
      }
      return changed.compose(done -> RoomRows.member(connection, roomId, memberId));
    }).compose(usernames::addTo);
  }

  // --- under the lock --------------------------------------------------------------------------------------

  private static long userId(JsonObject request) {
    return Ids.parse(request.getString("userId"), "user");
  }

  private static Future<Void> requireNotBanned(SqlConnection connection, long roomId, long userId, String message) {
    return RoomBans.isBanned(connection, roomId, userId).map(banned -> {
      if (banned) {
        throw new ParleyException(ErrorCode.FORBIDDEN, message);
      }
      return null;
    });
  }

  /** Runs {@code write} in a transaction on the room's shard, after locking the room and reading both roles. */
  private <T> Future<T> locked(JsonObject request, String targetUserId,
      java.util.function.BiFunction<SqlConnection, Locked, Future<T>> write) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    long actorId = Ids.parse(request.getString("userId"), "user");
    long targetId = Ids.parse(targetUserId, "user");
    Pool pool = shards.ofRoom(roomId).pool();
    return pool.withTransaction(connection -> lock(connection, roomId, actorId, targetId)
        .compose(locked -> write.apply(connection, locked)));
  }

  /** Locks the room row and reads both roles under the lock; also for {@link PinStore}. */
  static Future<Locked> lock(SqlConnection connection, long roomId, long actorId, long targetId) {
    return connection.preparedQuery(LOCK_ROOM).execute(Tuple.of(roomId)).compose(rooms -> {
      if (rooms.size() == 0) {
        throw RoomStanding.notFound();
      }
      JsonObject room = RoomRows.roomJson(rooms.iterator().next());
      return connection.preparedQuery(ROLES).execute(Tuple.of(roomId, actorId, targetId)).map(rows -> {
        String actorRole = null;
        String targetRole = null;
        for (Row row : rows) {
          long userId = row.getLong("user_id");
          if (userId == actorId) {
            actorRole = row.getString("role");
          }
          if (userId == targetId) {
            targetRole = row.getString("role");
          }
        }
        return new Locked(new RoomStanding(room, actorRole), targetRole);
      });
    });
  }

  /** Adds a member within the caps: room size exact under the lock, the user's rooms counted. */
  private Future<?> insertMember(SqlConnection connection, Locked locked, long userId, String role, String field) {
    long roomId = Long.parseLong(locked.actor().roomId());
    caps.requireRoomFor(locked.room().getInteger("memberCount") + 1);
    return caps.requireRoomsLeft(connection, List.of(userId), field)
        .compose(room -> RoomRows.insertMembers(connection,
            List.<Object[]>of(new Object[] {roomId, userId, role, System.currentTimeMillis()})))
        .compose(inserted -> connection.preparedQuery(COUNT_MEMBER).execute(Tuple.of(1, roomId)));
  }

  private static Future<JsonObject> remove(SqlConnection connection, Locked locked, long userId) {
    long roomId = Long.parseLong(locked.actor().roomId());
    return connection.preparedQuery(REMOVE_MEMBER).execute(Tuple.of(roomId, userId))
        .compose(removed -> removed.rowCount() == 0
            ? Future.succeededFuture(new JsonObject().put("removed", false))
            : connection.preparedQuery(COUNT_MEMBER).execute(Tuple.of(-1, roomId))
                .map(counted -> new JsonObject().put("removed", true)));
  }
}
