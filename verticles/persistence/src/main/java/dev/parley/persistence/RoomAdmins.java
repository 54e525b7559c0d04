package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomStanding;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * "Is the caller owner or admin of the room", read with the member row locked inside the transaction that then
 * writes (a demotion that commits first is seen). Outsiders of a private room get 404 like a missing room.
 */
final class RoomAdmins {

  private static final String STANDING = """
      SELECT r.visibility, m.role FROM rooms r LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = ?
      WHERE r.id = ? AND r.deleted_at IS NULL FOR UPDATE""";
  private static final String ADMINS = "SELECT user_id FROM room_members WHERE room_id = ? AND role IN ('owner', 'admin')";

  private RoomAdmins() {
  }

  static Future<Void> require(SqlConnection connection, long roomId, long userId) {
    return connection.preparedQuery(STANDING).execute(Tuple.of(userId, roomId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(new ParleyException(ErrorCode.NOT_FOUND, "no such room"));
      }
      var row = rows.iterator().next();
      String role = row.getString("role");
      if (role == null && !"public".equals(row.getString("visibility"))) {
        return Future.failedFuture(new ParleyException(ErrorCode.NOT_FOUND, "no such room"));
      }
      if (!RoomStanding.OWNER.equals(role) && !RoomStanding.ADMIN.equals(role)) {
        return Future.failedFuture(new ParleyException(ErrorCode.FORBIDDEN, "only the room's owner and admins may"));
      }
      return Future.succeededFuture();
    });
  }

  /** The owner's and admins' user ids. */
  static Future<JsonArray> of(SqlConnection connection, long roomId) {
    return connection.preparedQuery(ADMINS).execute(Tuple.of(roomId)).map(rows -> {
      JsonArray ids = new JsonArray();
      rows.forEach(row -> ids.add(String.valueOf(row.getLong("user_id"))));
      return ids;
    });
  }
}
