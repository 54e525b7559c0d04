package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Read receipts (issue 13) from the read markers already stored: {@code GET .../messages/{seq}/readers} lists the
 * members whose marker is at or past {@code seq}, other than the message's sender, by user id ({@code after} is the
 * last user id of the previous page). {@code readAt} is when the reader's marker last moved (V008 keeps one time
 * per marker, not one per message); it is at or after the moment they read the message. Members who turned
 * {@code shareReadReceipts} off ({@link ReceiptSettings}) are not listed.
 */
final class ReceiptStore {

  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 200;

  private static final String SENDER = "SELECT sender_id FROM messages WHERE room_id = ? AND seq = ?";
  private static final String READERS = "SELECT user_id, read_at FROM room_members"
      + " WHERE room_id = ? AND read_seq >= ? AND user_id > ? AND user_id <> ? ORDER BY user_id LIMIT ?";

  private final Shards shards;

  ReceiptStore(Shards shards) {
    this.shards = shards;
  }

  Map<String, Function<JsonObject, Future<?>>> actions() {
    return Map.of(RoomActions.READERS, this::readers);
  }

  /** {@code {userId, roomId, seq, after?, limit?}} -> {@code {readers: [{userId, readAt}], hasMore}}. */
  private Future<JsonObject> readers(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    long userId = Ids.parse(request.getString("userId"), "user");
    long seq = MessageStore.seqOf(request);
    long after = Paging.after(request);
    int limit = Paging.limit(request, DEFAULT_PAGE, MAX_PAGE);
    Pool pool = shards.ofRoom(roomId).pool();
    return Access.load(pool, roomId, userId).map(Access::requireMember)
        .compose(access -> pool.preparedQuery(SENDER).execute(Tuple.of(roomId, seq)))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "no such message");
          }
          return page(pool, roomId, seq, rows.iterator().next().getLong("sender_id"), after, limit, new JsonArray());
        });
  }

  /**
   * Fills the page with readers after {@code after} who share their receipts ({@link ReceiptSettings}): markers
   * are read {@code limit + 1} at a time, and read on past those who do not, so pages stay full and exact.
   */
  private Future<JsonObject> page(Pool pool, long roomId, long seq, long sender, long after, int limit,
      JsonArray readers) {
    return pool.preparedQuery(READERS).execute(Tuple.of(roomId, seq, after, sender, limit + 1)).compose(rows -> {
      List<Row> markers = new ArrayList<>();
      rows.forEach(markers::add);
      return ReceiptSettings.hiding(shards, markers.stream().map(row -> row.getLong("user_id")).toList())
          .compose(hidden -> {
            for (Row row : markers) {
              if (hidden.contains(row.getLong("user_id"))) {
                continue;
              }
              if (readers.size() == limit) {
                return Future.succeededFuture(new JsonObject().put("readers", readers).put("hasMore", true));
              }
              readers.add(new JsonObject().put("userId", String.valueOf(row.getLong("user_id")))
                  .put("readAt", row.getLong("read_at")));
            }
            if (markers.size() <= limit) {
              return Future.succeededFuture(new JsonObject().put("readers", readers).put("hasMore", false));
            }
            return page(pool, roomId, seq, sender, markers.get(markers.size() - 1).getLong("user_id"), limit, readers);
          });
    });
  }
}
