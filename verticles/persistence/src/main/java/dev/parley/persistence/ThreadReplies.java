package dev.parley.persistence;

import dev.parley.contract.ParleyException;
import dev.parley.contract.Addresses;
import dev.parley.contract.RoomEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The thread roots a send batch replies to (issue 13), locked in its transaction after the rooms: a reply needs a
 * root in the same room that is neither deleted nor itself a reply; a send that names anything else fails alone
 * (bad_request, field threadRoot) and its batch goes on. The roots' summaries (replies, last reply time, first
 * participants) are written with the batch's messages, so they are exact under any concurrency: sends to a room
 * are serialized by its room lock, and a rolled-back batch changes no summary. Each reply also gets its row in
 * the thread index ({@code message_thread_replies}) in the same transaction.
 */
final class ThreadReplies {

  /** A root shows at most this many participants (CONTRACT.md), the first to reply. */
  static final int PARTICIPANTS_SHOWN = 5;

  private static final String LIVE_REPLIES = " FROM message_thread_replies t"
      + " JOIN messages m ON m.room_id = t.room_id AND m.seq = t.seq"
      + " WHERE t.room_id = ? AND t.root_seq = ? AND m.deleted_at IS NULL";
  private static final String LOCK = "SELECT room_id, seq, thread_root, deleted_at, thread_replies, thread_participants"
      + " FROM messages WHERE (room_id, seq) IN (%s) ORDER BY room_id, seq FOR UPDATE";
  private static final String UPDATE = "UPDATE messages SET thread_replies = ?, thread_last_reply_ts = ?,"
      + " thread_participants = ? WHERE room_id = ? AND seq = ?";
  /** The thread index (V011): a row per reply only, so a message outside threads costs no index entry for it. */
  private static final String INDEX = "INSERT INTO message_thread_replies (room_id, root_seq, seq) VALUES %s";

  /** Live replies of a root, their last time, counted after a reply was deleted (locking reads: latest rows). */
  private static final String LIVE = "SELECT COUNT(*) AS replies, MAX(m.created_at) AS last_ts" + LIVE_REPLIES
      + " LOCK IN SHARE MODE";
  /** The first repliers among the live replies, in the order of their first live reply. */
  private static final String FIRST_REPLIERS = "SELECT m.sender_id, MIN(t.seq) AS first" + LIVE_REPLIES
      + " GROUP BY m.sender_id ORDER BY first LIMIT " + PARTICIPANTS_SHOWN + " LOCK IN SHARE MODE";
  private static final String ROOT_OF = "SELECT thread_root FROM messages WHERE room_id = ? AND seq = ?";
  private static final String LOCK_ROOT = "SELECT seq FROM messages WHERE room_id = ? AND seq = ? FOR UPDATE";

  /** A root's summary after this batch (or a delete); no replies left: no summary ({@code thread} null). */
  record Root(long roomId, long seq, int replies, Long lastReplyTs, JsonArray participants) {

    JsonObject thread() {
      return replies == 0 ? null : MessageRows.thread(replies, lastReplyTs, participants);
    }
  }

  private final Map<String, Row> rows;
  private final Map<String, Root> updated = new LinkedHashMap<>();
  private final Tuple replies = Tuple.tuple();
  private int replyCount;

  private ThreadReplies(Map<String, Row> rows) {
    this.rows = rows;
  }

  /** Locks the roots named as {@code [roomId, seq]} pairs (none: no statement). */
  static Future<ThreadReplies> lock(SqlConnection connection, Collection<long[]> roots) {
    if (roots.isEmpty()) {
      return Future.succeededFuture(new ThreadReplies(Map.of()));
    }
    Tuple args = Tuple.tuple();
    roots.forEach(root -> args.addLong(root[0]).addLong(root[1]));
    return connection.preparedQuery(LOCK.formatted(SendBatcher.placeholders(roots.size(), 2))).execute(args)
        .map(found -> {
          Map<String, Row> byKey = new HashMap<>();
          found.forEach(row -> byKey.put(key(row.getLong("room_id"), row.getLong("seq")), row));
          return new ThreadReplies(byKey);
        });
  }

  /** Bad_request (threadRoot) unless {@code root} is a live message of the room that is not itself a reply. */
  void check(long roomId, long root) {
    Row row = rows.get(key(roomId, root));
    if (row == null || row.getLong("deleted_at") != null) {
      throw ParleyException.badRequest("threadRoot", "threadRoot must be the seq of a message in this room");
    }
    if (row.getLong("thread_root") != null) {
      throw ParleyException.badRequest("threadRoot", "a reply in a thread cannot start a thread: reply to its root");
    }
  }

  /** Counts reply {@code seq} of {@code senderId} at {@code ts} (after {@link #check}). */
  void reply(long roomId, long root, long seq, long senderId, long ts) {
    replies.addLong(roomId).addLong(root).addLong(seq);
    replyCount++;
    String key = key(roomId, root);
    Root before = updated.get(key);
    if (before == null) {
      Row row = rows.get(key);
      String stored = row.getString("thread_participants");
      before = new Root(roomId, root, row.getInteger("thread_replies"), ts,
          stored == null ? new JsonArray() : new JsonArray(stored));
    }
    updated.put(key, new Root(roomId, root, before.replies() + 1, ts,
        withParticipant(before.participants(), String.valueOf(senderId))));
  }

  /** The first {@link #PARTICIPANTS_SHOWN} distinct repliers, in the order they first replied. */
  static JsonArray withParticipant(JsonArray participants, String userId) {
    if (participants.contains(userId) || participants.size() >= PARTICIPANTS_SHOWN) {
      return participants;
    }
    return participants.copy().add(userId);
  }

  Future<?> write(SqlConnection connection) {
    if (updated.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(updated.size());
    updated.values().forEach(root -> batch.add(Tuple.of(root.replies(), root.lastReplyTs(),
        root.participants().encode(), root.roomId(), root.seq())));
    return connection.preparedQuery(UPDATE).executeBatch(batch)
        .compose(summed -> connection.preparedQuery(INDEX.formatted(SendBatcher.placeholders(replyCount, 3)))
            .execute(replies));
  }

  /**
   * First in a delete's transaction: when message {@code seq} is a reply (a message's thread root never changes),
   * locks its root before the reply, so deletes in one thread queue on the root (which sends to the thread take
   * too) instead of deadlocking on each other's replies in {@link #replyDeleted}.
   */
  static Future<?> lockRootOf(SqlConnection connection, long roomId, long seq) {
    return connection.preparedQuery(ROOT_OF).execute(Tuple.of(roomId, seq)).compose(rows -> {
      Long root = rows.size() == 0 ? null : rows.iterator().next().getLong("thread_root");
      return root == null ? Future.succeededFuture()
          : connection.preparedQuery(LOCK_ROOT).execute(Tuple.of(roomId, root));
    });
  }

  /**
   * In the transaction that tombstoned a reply of {@code root}, after {@link #lockRootOf}: the root's summary
   * counted again from its live replies (locking reads, so the latest), written, and returned for the
   * {@code thread.updated} event. After deletes, participants are the first repliers who still have a live reply.
   */
  static Future<Root> replyDeleted(SqlConnection connection, long roomId, long root) {
    Tuple thread = Tuple.of(roomId, root);
    return connection.preparedQuery(LIVE).execute(thread)
        .compose(live -> connection.preparedQuery(FIRST_REPLIERS).execute(thread).compose(first -> {
          Row counted = live.iterator().next();
          JsonArray participants = new JsonArray();
          first.forEach(row -> participants.add(String.valueOf(row.getLong("sender_id"))));
          Root summary = new Root(roomId, root, counted.getInteger("replies"), counted.getLong("last_ts"),
              participants);
          return connection.preparedQuery(UPDATE).execute(Tuple.of(summary.replies(), summary.lastReplyTs(),
              summary.replies() == 0 ? null : participants.encode(), roomId, root)).map(summary);
        }));
  }

  /** The roots whose summaries this batch changes, for the {@code thread.updated} events after the commit. */
  Collection<Root> updated() {
    return updated.values();
  }

  /** The {@code thread.updated} event of a root (after the commit that changed its summary). */
  static void announce(Vertx vertx, Root root) {
    String roomId = String.valueOf(root.roomId());
    vertx.eventBus().publish(Addresses.room(roomId), RoomEvent.of(roomId, RoomEvent.THREAD_UPDATED, 0,
        new JsonObject().put("room", roomId).put("seq", root.seq()).put("thread", root.thread())));
  }

  private static String key(long roomId, long seq) {
    return roomId + "/" + seq;
  }
}
