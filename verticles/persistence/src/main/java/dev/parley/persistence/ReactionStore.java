package dev.parley.persistence;

import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.MessageEvent;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import dev.parley.contract.RoomEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.function.Function;

/**
 * Reactions (issue 13): add and remove one (message, user, emoji), idempotently. Each change is one transaction
 * that re-reads the caller's membership with a shared lock (a concurrent kick waits, or is seen), locks the
 * message row, writes the reaction row, rewrites the message's reactions summary under that lock (so it is exact
 * however many users race) and appends a {@code reaction} event to the outbox. The live {@code reaction} event
 * follows the commit; a change that changed nothing announces nothing.
 */
final class ReactionStore {

  /** At most this many reactions of one user on one message (CONTRACT.md). */
  static final int MAX_PER_USER = 20;

  private static final String LOCK_MESSAGE =
      "SELECT deleted_at FROM messages WHERE room_id = ? AND seq = ? FOR UPDATE";
  private static final String OWN_COUNT =
      "SELECT COUNT(*) AS n, SUM(emoji = ?) AS same FROM message_reactions WHERE room_id = ? AND seq = ? AND user_id = ?";
  private static final String INSERT = "INSERT IGNORE INTO message_reactions (room_id, seq, user_id, emoji, created_at)"
      + " VALUES (?, ?, ?, ?, ?)";
  private static final String DELETE =
      "DELETE FROM message_reactions WHERE room_id = ? AND seq = ? AND user_id = ? AND emoji = ?";
  /** Every emoji's count and its first users, in arrival order. */
  private static final String SUMMARY = """
      SELECT emoji, user_id, n FROM (
        SELECT emoji, user_id, id, COUNT(*) OVER (PARTITION BY emoji) AS n,
          ROW_NUMBER() OVER (PARTITION BY emoji ORDER BY id) AS rank_in_emoji,
          MIN(id) OVER (PARTITION BY emoji) AS first_id
        FROM message_reactions WHERE room_id = ? AND seq = ?) ranked
      WHERE rank_in_emoji <= ? ORDER BY first_id, id""";
  private static final String STORE_SUMMARY = "UPDATE messages SET reactions = ? WHERE room_id = ? AND seq = ?";

  private final Vertx vertx;
  private final Shards shards;

  ReactionStore(Vertx vertx, Shards shards) {
    this.vertx = vertx;
    this.shards = shards;
  }

  Map<String, Function<JsonObject, Future<?>>> actions() {
    return Map.of(RoomActions.REACT, request -> change(request, true),
        RoomActions.UNREACT, request -> change(request, false));
  }

  /** {@code {userId, roomId, seq, emoji}} -> {@code {changed, reactions}}. */
  private Future<JsonObject> change(JsonObject request, boolean add) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    long userId = Ids.parse(request.getString("userId"), "user");
    long seq = MessageStore.seqOf(request);
    String emoji = Emoji.canonical(request.getString("emoji"));
    Pool pool = shards.ofRoom(roomId).pool();
    long now = System.currentTimeMillis();
    return pool.withTransaction(connection -> Access.lockShared(connection, roomId, userId).map(Access::requireMember)
        .compose(access -> connection.preparedQuery(LOCK_MESSAGE).execute(Tuple.of(roomId, seq)))
        .compose(rows -> {
          if (rows.size() == 0 || rows.iterator().next().getLong("deleted_at") != null) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "no such message");
          }
          return add ? insert(connection, roomId, seq, userId, emoji, now)
              : connection.preparedQuery(DELETE).execute(Tuple.of(roomId, seq, userId, emoji))
                  .map(deleted -> deleted.rowCount() > 0);
        })
        .compose(changed -> !changed ? Future.succeededFuture(new JsonObject().put("changed", false))
            : summary(connection, roomId, seq)
                .compose(summary -> connection.preparedQuery(STORE_SUMMARY)
                    .execute(Tuple.of(summary == null ? null : summary.encode(), roomId, seq))
                    .compose(stored -> Outbox.append(connection, roomId, seq, MessageEvent.REACTION, now, userId,
                        new JsonObject().put("emoji", emoji).put("op", op(add))))
                    .map(appended -> new JsonObject().put("changed", true)
                        .put("reactions", summary == null ? new JsonArray() : summary)))))
        .onSuccess(result -> {
          if (result.getBoolean("changed")) {
            String room = String.valueOf(roomId);
            vertx.eventBus().publish(Addresses.room(room), RoomEvent.of(room, RoomEvent.REACTION, 0,
                new JsonObject().put("room", room).put("seq", seq).put("emoji", emoji)
                    .put("userId", String.valueOf(userId)).put("op", op(add))
                    .put("reactions", result.getJsonArray("reactions"))));
          }
        });
  }

  private static Future<Boolean> insert(SqlConnection connection, long roomId, long seq, long userId, String emoji,
      long now) {
    return connection.preparedQuery(OWN_COUNT).execute(Tuple.of(emoji, roomId, seq, userId)).compose(rows -> {
      Row row = rows.iterator().next();
      long same = row.getValue("same") == null ? 0 : row.getNumeric("same").longValue();
      if (same > 0) {
        return Future.succeededFuture(false);
      }
      if (row.getLong("n") >= MAX_PER_USER) {
        throw ParleyException.badRequest("emoji", "at most " + MAX_PER_USER + " reactions per user on a message");
      }
      return connection.preparedQuery(INSERT).execute(Tuple.of(roomId, seq, userId, emoji, now))
          .map(inserted -> inserted.rowCount() > 0);
    });
  }

  /** The message's reactions as read in this transaction; null when none are left. */
  static Future<JsonArray> summary(SqlConnection connection, long roomId, long seq) {
    return connection.preparedQuery(SUMMARY).execute(Tuple.of(roomId, seq, ReactionSummary.USERS_SHOWN)).map(rows -> {
      ReactionSummary summary = new ReactionSummary();
      for (Row row : rows) {
        summary.add(row.getString("emoji"), String.valueOf(row.getLong("user_id")), row.getLong("n"));
      }
      return summary.toJson();
    });
  }

  private static String op(boolean add) {
    return add ? "add" : "remove";
  }
}
