package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What server administrators do with accounts, and what they read: deactivation (every login session revoked
 * in the same transaction; the user's messages stay), reactivation, the user list, the audit and counts.
 * Accounts are on shard 0; the audit and the counts of rooms and messages are read from every shard.
 */
final class Administration {

  private static final int MAX_LISTED = 200;
  private static final String LOCK_USER = "SELECT id, deactivated_at FROM users WHERE id = ? FOR UPDATE";
  private static final String DEACTIVATE = "UPDATE users SET deactivated_at = ? WHERE id = ?";
  private static final String REACTIVATE = "UPDATE users SET deactivated_at = NULL WHERE id = ?";
  private static final String LIVE_SESSIONS =
      "SELECT id FROM auth_sessions WHERE user_id = ? AND revoked_at IS NULL FOR UPDATE";
  private static final String REVOKE_SESSIONS =
      "UPDATE auth_sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL";
  private static final String USERS = """
      SELECT id, username, display_name, created_at, deactivated_at FROM users
      WHERE username_lower LIKE ? ESCAPE '!' ORDER BY username_lower LIMIT ?""";
  private static final String COUNT_USERS =
      "SELECT COUNT(*) AS users, COUNT(deactivated_at) AS deactivated FROM users";
  private static final String COUNT_REPORTS = "SELECT COUNT(*) AS reports FROM reports";
  private static final String COUNT_ROOMS =
      "SELECT COUNT(*) AS rooms, COALESCE(SUM(last_seq), 0) AS messages FROM rooms WHERE deleted_at IS NULL";

  private final Shards shards;
  private final Pool users;

  Administration(Shards shards) {
    this.shards = shards;
    this.users = shards.global().pool();
  }

  /**
   * {@code {userId, targetId, reason?}} -> {@code {userId, sessionIds, changed}}. The caller announces the
   * revoked sessions (Redis and the cluster-wide broadcast that closes their sockets).
   */
  Future<JsonObject> deactivate(JsonObject request) {
    long actorId = Ids.parse(request.getString("userId"), "user");
    long targetId = Ids.parse(request.getString("targetId"), "user");
    if (actorId == targetId) {
      throw new ParleyException(ErrorCode.CONFLICT, "you cannot deactivate yourself");
    }
    long now = System.currentTimeMillis();
    return users.withTransaction(connection -> lockUser(connection, targetId).compose(deactivatedAt -> {
      JsonArray sessionIds = new JsonArray();
      if (deactivatedAt != null) {
        return Future.succeededFuture(result(targetId, false).put("sessionIds", sessionIds));
      }
      return connection.preparedQuery(DEACTIVATE).execute(Tuple.of(now, targetId))
          .compose(done -> connection.preparedQuery(LIVE_SESSIONS).execute(Tuple.of(targetId)))
          .compose(rows -> {
            rows.forEach(row -> sessionIds.add(row.getString("id")));
            return connection.preparedQuery(REVOKE_SESSIONS).execute(Tuple.of(now, targetId));
          })
          .compose(done -> Audit.record(connection, new Audit.Entry(actorId, Audit.DEACTIVATE, targetId, null, null,
              request.getString("reason"), sessionIds.size() + " sessions revoked")))
          .map(done -> result(targetId, true).put("sessionIds", sessionIds));
    }));
  }

  /** {@code {userId, targetId, reason?}} -> {@code {userId, changed}}: login works again. */
  Future<JsonObject> reactivate(JsonObject request) {
    long actorId = Ids.parse(request.getString("userId"), "user");
    long targetId = Ids.parse(request.getString("targetId"), "user");
    return users.withTransaction(connection -> lockUser(connection, targetId).compose(deactivatedAt -> {
      if (deactivatedAt == null) {
        return Future.succeededFuture(result(targetId, false));
      }
      return connection.preparedQuery(REACTIVATE).execute(Tuple.of(targetId))
          .compose(done -> Audit.record(connection, new Audit.Entry(actorId, Audit.REACTIVATE, targetId, null, null,
              request.getString("reason"), null)))
          .map(done -> result(targetId, true));
    }));
  }

  /** The user's deactivated_at under its row lock (null: active); 404 for no such user. */
  private static Future<Long> lockUser(io.vertx.sqlclient.SqlConnection connection, long userId) {
    return connection.preparedQuery(LOCK_USER).execute(Tuple.of(userId)).map(rows -> {
      if (rows.size() == 0) {
        throw new ParleyException(ErrorCode.NOT_FOUND, "no such user");
      }
      return rows.iterator().next().getLong("deactivated_at");
    });
  }

  private static JsonObject result(long userId, boolean changed) {
    return new JsonObject().put("userId", String.valueOf(userId)).put("changed", changed);
  }

  /** {@code {q?, limit?}} -> {@code {users}}: by username prefix, deactivated ones included and marked. */
  Future<JsonObject> users(JsonObject request) {
    String q = request.getString("q", "").toLowerCase(java.util.Locale.ROOT);
    int limit = Math.max(1, Math.min(limitOr(request, 50), MAX_LISTED));
    String pattern = q.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    return users.preparedQuery(USERS).execute(Tuple.of(pattern, limit)).map(rows -> {
      JsonArray list = new JsonArray();
      for (Row row : rows) {
        list.add(new JsonObject().put("id", String.valueOf(row.getLong("id")))
            .put("username", row.getString("username")).put("displayName", row.getString("display_name"))
            .put("createdAt", row.getLong("created_at")).put("deactivated", row.getLong("deactivated_at") != null));
      }
      return new JsonObject().put("users", list);
    });
  }

  /** {@code {limit?}} -> {@code {entries}}: the latest moderation actions of every shard, newest first. */
  Future<JsonObject> audit(JsonObject request) {
    int limit = Math.max(1, Math.min(limitOr(request, 100), MAX_LISTED));
    return shards.everywhere(shard -> shard.pool().preparedQuery(Audit.LATEST).execute(Tuple.of(limit)).map(rows -> {
      List<JsonObject> entries = new ArrayList<>();
      rows.forEach(row -> entries.add(Audit.toJson(row)));
      return entries;
    })).map(perShard -> {
      List<JsonObject> all = new ArrayList<>();
      perShard.forEach(all::addAll);
      all.sort(Comparator.<JsonObject>comparingLong(entry -> entry.getLong("at")).reversed());
      return new JsonObject().put("entries", new JsonArray(new ArrayList<>(all.subList(0, Math.min(limit, all.size())))));
    });
  }

  /** The request's limit, or {@code fallback} when it gives none (absent or null). */
  static int limitOr(JsonObject request, int fallback) {
    Integer limit = request.getInteger("limit");
    return limit == null ? fallback : limit;
  }

  /** {@code {}} -> {@code {users, deactivatedUsers, rooms, messages, reports}}. */
  Future<JsonObject> stats(JsonObject request) {
    Future<Row> accounts = users.query(COUNT_USERS).execute().map(rows -> rows.iterator().next());
    Future<Row> reports = users.query(COUNT_REPORTS).execute().map(rows -> rows.iterator().next());
    Future<List<Row>> rooms = shards.everywhere(shard -> shard.pool().query(COUNT_ROOMS).execute()
        .map(rows -> rows.iterator().next()));
    return Future.all(accounts, reports, rooms).map(done -> {
      long roomCount = 0;
      long messages = 0;
      for (Row row : rooms.result()) {
        roomCount += row.getLong("rooms");
        messages += row.getLong("messages");
      }
      return new JsonObject().put("users", accounts.result().getLong("users"))
          .put("deactivatedUsers", accounts.result().getLong("deactivated"))
          .put("rooms", roomCount).put("messages", messages).put("reports", reports.result().getLong("reports"));
    });
  }
}
