package dev.parley.persistence;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The moderation audit (table moderation_audit): one row per moderation action, written by the transaction of
 * the action itself, so an action without its record (or a record without its action) cannot commit.
 */
final class Audit {

  static final String BAN = "ban";
  static final String UNBAN = "unban";
  static final String KICK = "kick";
  static final String SLOW_MODE = "slow_mode";
  static final String DELETE_MESSAGE = "delete_message";
  static final String DEACTIVATE = "deactivate";
  static final String REACTIVATE = "reactivate";
  static final String REPORT = "report";

  private static final String INSERT = """
      INSERT INTO moderation_audit (actor_id, action, target_user_id, room_id, seq, reason, detail, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";
  static final String LATEST = """
      SELECT id, actor_id, action, target_user_id, room_id, seq, reason, detail, created_at
      FROM moderation_audit ORDER BY created_at DESC, id DESC LIMIT ?""";

  /** What was done, by whom, to whom or what; {@code null} for what does not apply. */
  record Entry(long actorId, String action, Long targetUserId, Long roomId, Long seq, String reason, String detail) {
  }

  private Audit() {
  }

  static Future<?> record(SqlClient client, Entry entry) {
    return client.preparedQuery(INSERT).execute(Tuple.of(entry.actorId(), entry.action(), entry.targetUserId(),
        entry.roomId(), entry.seq(), entry.reason(), entry.detail(), System.currentTimeMillis()));
  }

  static JsonObject toJson(Row row) {
    JsonObject json = new JsonObject()
        .put("actorId", String.valueOf(row.getLong("actor_id")))
        .put("action", row.getString("action"))
        .put("at", row.getLong("created_at"));
    if (row.getLong("target_user_id") != null) {
      json.put("userId", String.valueOf(row.getLong("target_user_id")));
    }
    if (row.getLong("room_id") != null) {
      json.put("roomId", String.valueOf(row.getLong("room_id")));
    }
    if (row.getLong("seq") != null) {
      json.put("seq", row.getLong("seq"));
    }
    if (row.getString("reason") != null) {
      json.put("reason", row.getString("reason"));
    }
    if (row.getString("detail") != null) {
      json.put("detail", row.getString("detail"));
    }
    return json;
  }
}
