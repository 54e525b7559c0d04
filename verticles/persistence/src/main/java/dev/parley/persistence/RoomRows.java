package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** Reading and writing rows of rooms and room_members, and their wire form. */
final class RoomRows {

  static final String ROOM_COLUMNS =
      "r.id, r.name, r.kind, r.visibility, r.created_by, r.created_at, r.member_count, r.last_seq, r.slow_mode_seconds";
  private static final String ROOM_BY_ID =
      "SELECT " + ROOM_COLUMNS + " FROM rooms r WHERE r.id = ? AND r.deleted_at IS NULL";
  private static final String INSERT_MEMBERS = "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES %s";
  private static final String MEMBER = "SELECT user_id, role, joined_at FROM room_members WHERE room_id = ? AND user_id = ?";
  private static final int DUPLICATE_KEY = 1062;

  private RoomRows() {
  }

  static Future<JsonObject> room(SqlClient client, long roomId) {
    return client.preparedQuery(ROOM_BY_ID).execute(Tuple.of(roomId)).map(rows -> {
      if (rows.size() == 0) {
        throw new ParleyException(ErrorCode.NOT_FOUND, "no such room");
      }
      return roomJson(rows.iterator().next());
    });
  }

  static Future<JsonObject> member(SqlConnection connection, long roomId, long memberId) {
    return connection.preparedQuery(MEMBER).execute(Tuple.of(roomId, memberId)).map(rows -> {
      if (rows.size() == 0) {
        throw new ParleyException(ErrorCode.NOT_FOUND, "no such member");
      }
      return memberJson(rows.iterator().next());
    });
  }

  /** One multi-row INSERT of {@code {roomId, userId, role, joinedAt}} rows: atomic, unlike a batch. */
  static Future<?> insertMembers(SqlConnection connection, List<Object[]> rows) {
    Tuple args = Tuple.tuple();
    rows.forEach(row -> {
      for (Object value : row) {
        args.addValue(value);
      }
    });
    return connection.preparedQuery(INSERT_MEMBERS.formatted(SendBatcher.placeholders(rows.size(), 4))).execute(args);
  }

  static JsonObject roomJson(Row row) {
    return new JsonObject()
        .put("id", String.valueOf(row.getLong("id")))
        .put("name", row.getString("name"))
        .put("kind", row.getString("kind"))
        .put("visibility", row.getString("visibility"))
        .put("createdBy", String.valueOf(row.getLong("created_by")))
        .put("createdAt", row.getLong("created_at"))
        .put("memberCount", row.getInteger("member_count"))
        .put("lastSeq", row.getLong("last_seq"))
        .put("slowModeSeconds", row.getInteger("slow_mode_seconds"));
  }

  static JsonObject memberJson(Row row) {
    return new JsonObject()
        .put("userId", String.valueOf(row.getLong("user_id")))
        .put("role", row.getString("role"))
        .put("joinedAt", row.getLong("joined_at"));
  }

  static boolean isDuplicate(Throwable failure) {
    return failure instanceof MySQLException sql && sql.getErrorCode() == DUPLICATE_KEY;
  }
}
