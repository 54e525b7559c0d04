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
import java.util.Map;
import java.util.function.Function;

/**
 * A thread's replies, for members (issue 13): {@code GET /rooms/{id}/messages/{seq}/thread?after=&limit=} pages
 * the replies of root {@code seq} in ascending seq, on the thread index ({@code message_thread_replies}). Writing
 * replies is the send path's ({@link ThreadReplies}).
 */
final class ThreadStore {

  private static final String ROOT = "SELECT thread_root, deleted_at FROM messages WHERE room_id = ? AND seq = ?";
  /** A page of the thread index (V011), then its messages by primary key. */
  private static final String REPLIES = "SELECT " + MessageRows.COLUMNS + " FROM messages"
      + " JOIN (SELECT room_id AS reply_room, seq AS reply_seq FROM message_thread_replies"
      + " WHERE room_id = ? AND root_seq = ? AND seq > ? ORDER BY seq LIMIT ?) page"
      + " ON room_id = reply_room AND seq = reply_seq ORDER BY seq";

  private final Shards shards;

  ThreadStore(Shards shards) {
    this.shards = shards;
  }

  Map<String, Function<JsonObject, Future<?>>> actions() {
    return Map.of(RoomActions.THREAD, this::replies);
  }

  /** {@code {userId, roomId, seq, after?, limit?}} -> {@code {messages: [ascending], hasMore}}. */
  private Future<JsonObject> replies(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    long userId = Ids.parse(request.getString("userId"), "user");
    long root = MessageStore.seqOf(request);
    long after = Paging.after(request);
    int limit = Paging.limit(request, MessageStore.DEFAULT_PAGE, MessageStore.MAX_PAGE);
    Pool pool = shards.ofRoom(roomId).pool();
    return Access.load(pool, roomId, userId).map(Access::requireMember)
        .compose(access -> pool.preparedQuery(ROOT).execute(Tuple.of(roomId, root)))
        .compose(rows -> {
          // A reply has no thread of its own; a deleted root keeps its replies readable.
          if (rows.size() == 0 || rows.iterator().next().getLong("thread_root") != null) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "no such thread");
          }
          return pool.preparedQuery(REPLIES).execute(Tuple.of(roomId, root, after, limit + 1));
        })
        .map(rows -> {
          JsonArray messages = new JsonArray();
          for (Row row : rows) {
            if (messages.size() < limit) {
              messages.add(MessageRows.toMessage(row).toJson());
            }
          }
          return new JsonObject().put("messages", messages).put("hasMore", rows.size() > limit);
        });
  }
}
