package dev.parley.persistence;

import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomStanding;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * A caller's standing in a room, read fresh from MySQL: does the room exist, is it public, and the caller's
 * role (null when not a member). Private rooms are invisible to non-members: 404, exactly as if they did not
 * exist; a public room's non-member is 403.
 */
record Access(long roomId, boolean isPublic, String role, long lastSeq) {

  static final String QUERY = """
      SELECT r.id, r.visibility, r.last_seq, m.role
      FROM rooms r LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = ?
      WHERE r.id = ? AND r.deleted_at IS NULL""";

  static Future<Access> load(SqlClient client, long roomId, long userId) {
    return load(client, QUERY, roomId, userId);
  }

  /**
   * The same read as a shared-lock read inside a write transaction: it sees the latest committed room and
   * membership, and a kick (or a room change) waits for this transaction or is seen by it (issue 13).
   */
  static Future<Access> lockShared(SqlClient connection, long roomId, long userId) {
    return load(connection, QUERY + " LOCK IN SHARE MODE", roomId, userId);
  }

  private static Future<Access> load(SqlClient client, String query, long roomId, long userId) {
    return client.preparedQuery(query).execute(Tuple.of(userId, roomId)).map(rows -> {
      if (rows.size() == 0) {
        throw RoomStanding.notFound();
      }
      Row row = rows.iterator().next();
      return new Access(roomId, "public".equals(row.getString("visibility")), row.getString("role"),
          row.getLong("last_seq"));
    });
  }

  boolean member() {
    return role != null;
  }

  /** The same decisions as the rooms' role checks ({@link RoomStanding}). */
  RoomStanding standing() {
    return new RoomStanding(new JsonObject().put("id", String.valueOf(roomId))
        .put("visibility", isPublic ? "public" : "private"), role);
  }

  /** Members pass; others get 404 (private room) or 403 (public room). */
  Access requireMember() {
    ParleyException refused = RoomStanding.refusal(true, isPublic, member());
    if (refused != null) {
      throw refused;
    }
    return this;
  }
}
