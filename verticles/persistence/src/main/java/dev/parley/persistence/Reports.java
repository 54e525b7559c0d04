package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reports of messages by members of their room (table reports, shard 0, where administrators read them).
 * Membership and the message are checked on the room's shard first; a report is a complaint, not a change to
 * the room, so it needs no room lock.
 */
final class Reports {

  static final int MAX_REASON_CHARS = 500;
  private static final int MAX_LISTED = 200;
  private static final String INSERT =
      "INSERT INTO reports (room_id, seq, reporter_id, reason, created_at) VALUES (?, ?, ?, ?, ?)";
  private static final String LATEST = """
      SELECT r.id, r.room_id, r.seq, r.reporter_id, r.reason, r.created_at, u.username
      FROM reports r JOIN users u ON u.id = r.reporter_id
      ORDER BY r.created_at DESC, r.id DESC LIMIT ?""";
  private static final String MESSAGES = "SELECT " + MessageRows.COLUMNS + " FROM messages WHERE (room_id, seq) IN (%s)";

  private final Shards shards;

  Reports(Shards shards) {
    this.shards = shards;
  }

  /** {@code {userId, roomId, seq, reason}} -> the report; 409 when this member reported this message already. */
  Future<JsonObject> report(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    long roomId = Ids.parse(request.getString("roomId"), "room");
    Long seq = request.getLong("seq");
    String reason = reason(request.getValue("reason"));
    return Access.load(shards.ofRoom(roomId).pool(), roomId, userId).map(Access::requireMember).compose(access -> {
      if (seq == null || seq < 1 || seq > access.lastSeq()) {
        throw new ParleyException(ErrorCode.NOT_FOUND, "no such message", "seq");
      }
      long now = System.currentTimeMillis();
      return shards.global().pool().withTransaction(connection -> connection.preparedQuery(INSERT)
          .execute(Tuple.of(roomId, seq, userId, reason, now))
          .compose(inserted -> Audit.record(connection, new Audit.Entry(userId, Audit.REPORT, null, roomId, seq,
              reason, null)).map(inserted.property(MySQLClient.LAST_INSERTED_ID))))
          .map(id -> new JsonObject().put("id", String.valueOf(id)).put("roomId", String.valueOf(roomId))
              .put("seq", seq).put("reporterId", String.valueOf(userId)).put("reason", reason).put("createdAt", now))
          .recover(failure -> Future.failedFuture(RoomRows.isDuplicate(failure)
              ? new ParleyException(ErrorCode.CONFLICT, "you reported this message already") : failure));
    });
  }

  /** {@code {limit?}} -> {@code {reports: [report + reporterUsername + message?]}}, newest first. */
  Future<JsonObject> latest(JsonObject request) {
    int limit = Math.max(1, Math.min(Administration.limitOr(request, 100), MAX_LISTED));
    return shards.global().pool().preparedQuery(LATEST).execute(Tuple.of(limit)).compose(rows -> {
      List<JsonObject> reports = new ArrayList<>();
      for (Row row : rows) {
        reports.add(new JsonObject().put("id", String.valueOf(row.getLong("id")))
            .put("roomId", String.valueOf(row.getLong("room_id"))).put("seq", row.getLong("seq"))
            .put("reporterId", String.valueOf(row.getLong("reporter_id"))).put("reporterUsername", row.getString("username"))
            .put("reason", row.getString("reason")).put("createdAt", row.getLong("created_at")));
      }
      return withMessages(reports).map(done -> new JsonObject().put("reports", new JsonArray(reports)));
    });
  }

  /** Adds each report's message (a tombstone once deleted), read from the rooms' shards. */
  private Future<Void> withMessages(List<JsonObject> reports) {
    Map<Shards.Shard, Set<String>> wanted = new HashMap<>();
    for (JsonObject report : reports) {
      long roomId = Long.parseLong(report.getString("roomId"));
      shards.byShard(List.of(roomId)).keySet().forEach(shard -> wanted.computeIfAbsent(shard,
          key -> new LinkedHashSet<>()).add(roomId + "/" + report.getLong("seq")));
    }
    Map<String, JsonObject> messages = new HashMap<>();
    List<Future<?>> reads = new ArrayList<>();
    wanted.forEach((shard, keys) -> {
      Tuple args = Tuple.tuple();
      keys.forEach(key -> {
        int slash = key.indexOf('/');
        args.addLong(Long.parseLong(key.substring(0, slash))).addLong(Long.parseLong(key.substring(slash + 1)));
      });
      reads.add(shard.pool().preparedQuery(MESSAGES.formatted(SendBatcher.placeholders(keys.size(), 2))).execute(args)
          .onSuccess(rows -> rows.forEach(row -> {
            JsonObject message = MessageRows.toMessage(row).toJson();
            messages.put(message.getString("roomId") + "/" + message.getLong("seq"), message);
          })));
    });
    return Future.all(reads).map(done -> {
      reports.forEach(report -> {
        JsonObject message = messages.get(report.getString("roomId") + "/" + report.getLong("seq"));
        if (message != null) {
          report.put("message", message);
        }
      });
      return null;
    });
  }

  static String reason(Object value) {
    if (!(value instanceof String reason) || reason.isBlank()) {
      throw ParleyException.badRequest("reason", "reason is required");
    }
    if (reason.codePointCount(0, reason.length()) > MAX_REASON_CHARS) {
      throw ParleyException.badRequest("reason", "reason must be at most " + MAX_REASON_CHARS + " characters");
    }
    return reason.strip();
  }
}
