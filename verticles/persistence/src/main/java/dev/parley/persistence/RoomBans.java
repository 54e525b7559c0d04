package dev.parley.persistence;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The room_bans table, on the room's shard. Bans are written and checked under the room lock by
 * {@link RoomWrites} (join, add, ban, unban) and read by the send transaction ({@link SendBatcher}), which takes
 * the same lock: a send that commits after a ban never comes from the banned user.
 */
final class RoomBans {

  private static final String IS_BANNED = "SELECT 1 FROM room_bans WHERE room_id = ? AND user_id = ?";
  private static final String INSERT = """
      INSERT INTO room_bans (room_id, user_id, banned_by, reason, created_at) VALUES (?, ?, ?, ?, ?)
      ON DUPLICATE KEY UPDATE banned_by = VALUES(banned_by), reason = VALUES(reason), created_at = VALUES(created_at)""";
  private static final String DELETE = "DELETE FROM room_bans WHERE room_id = ? AND user_id = ?";
  private static final String LIST = """
      SELECT user_id, banned_by, reason, created_at FROM room_bans WHERE room_id = ?
      ORDER BY created_at DESC, user_id LIMIT 1000""";

  private RoomBans() {
  }

  static Future<Boolean> isBanned(SqlClient client, long roomId, long userId) {
    return client.preparedQuery(IS_BANNED).execute(Tuple.of(roomId, userId)).map(rows -> rows.size() > 0);
  }

  /** Bans (again: the latest reason wins); the ban as on the wire. */
  static Future<JsonObject> insert(SqlClient client, long roomId, long userId, long bannedBy, String reason) {
    long now = System.currentTimeMillis();
    return client.preparedQuery(INSERT).execute(Tuple.of(roomId, userId, bannedBy, reason, now))
        .map(inserted -> json(userId, bannedBy, reason, now));
  }

  /** True when there was a ban to lift. */
  static Future<Boolean> delete(SqlClient client, long roomId, long userId) {
    return client.preparedQuery(DELETE).execute(Tuple.of(roomId, userId)).map(deleted -> deleted.rowCount() > 0);
  }

  static Future<List<JsonObject>> list(SqlClient client, long roomId) {
    return client.preparedQuery(LIST).execute(Tuple.of(roomId)).map(rows -> {
      List<JsonObject> bans = new ArrayList<>();
      rows.forEach(row -> bans.add(json(row.getLong("user_id"), row.getLong("banned_by"), row.getString("reason"),
          row.getLong("created_at"))));
      return bans;
    });
  }

  static JsonObject json(long userId, long bannedBy, String reason, long createdAt) {
    JsonObject ban = new JsonObject().put("userId", String.valueOf(userId))
        .put("bannedBy", String.valueOf(bannedBy)).put("createdAt", createdAt);
    return reason == null ? ban : ban.put("reason", reason);
  }
}
