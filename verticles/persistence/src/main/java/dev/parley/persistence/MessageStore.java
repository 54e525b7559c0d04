package dev.parley.persistence;

import dev.parley.contract.Addresses;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import dev.parley.contract.RoomEvent;
import dev.parley.contract.RoomStanding;
import dev.parley.contract.SendMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Messages: durable sends (through the group-commit {@link SendBatcher}), history pages, edits, deletes and
 * read markers. Every operation checks the caller's membership in SQL, so a stale cache elsewhere can never
 * let a non-member read or write.
 */
final class MessageStore {

  private static final String HISTORY_LATEST =
      "SELECT " + MessageRows.COLUMNS + " FROM messages WHERE room_id = ? ORDER BY seq DESC LIMIT ?";
  private static final String HISTORY_BEFORE =
      "SELECT " + MessageRows.COLUMNS + " FROM messages WHERE room_id = ? AND seq > ? AND seq < ?"
          + " ORDER BY seq DESC LIMIT ?";
  private static final String HISTORY_AFTER =
      "SELECT " + MessageRows.COLUMNS + " FROM messages WHERE room_id = ? AND seq > ? AND seq < ?"
          + " ORDER BY seq ASC LIMIT ?";
  private static final String LOCK_MESSAGE =
      "SELECT " + MessageRows.COLUMNS + " FROM messages WHERE room_id = ? AND seq = ? FOR UPDATE";
  private static final String EDIT = "UPDATE messages SET text = ?, edited_at = ? WHERE room_id = ? AND seq = ?";
  private static final String TOMBSTONE =
      "UPDATE messages SET text = NULL, deleted_at = ? WHERE room_id = ? AND seq = ? AND deleted_at IS NULL";
  /** A deleted message's attachments answer 404 from then on; the purge job removes their blobs. */
  private static final String TOMBSTONE_ATTACHMENTS =
      "UPDATE attachments SET deleted_at = ? WHERE room_id = ? AND message_seq = ? AND deleted_at IS NULL";
  private static final String MOVE_READ_MARKER =
      "UPDATE room_members SET read_at = IF(read_seq < ?, ?, read_at), read_seq = GREATEST(read_seq, ?)"
          + " WHERE room_id = ? AND user_id = ?";
  private static final String READ_MARKER = "SELECT read_seq FROM room_members WHERE room_id = ? AND user_id = ?";

  static final int MAX_PAGE = 200;
  static final int DEFAULT_PAGE = 50;

  private final Vertx vertx;
  private final Shards shards;
  private final SendConfig config;
  /** One group-commit batcher per shard, by shard index: a batch is one transaction on one database. */
  private final List<SendBatcher> batchers;
  private final Map<String, Function<JsonObject, Future<?>>> actions = new HashMap<>(Map.of(
      RoomActions.HISTORY, this::history,
      RoomActions.EDIT, this::edit,
      RoomActions.DELETE_MESSAGE, this::delete,
      RoomActions.READ, this::read));

  MessageStore(Vertx vertx, Shards shards, SendConfig config, List<SendBatcher> batchers) {
    this.vertx = vertx;
    this.shards = shards;
    this.config = config;
    this.batchers = List.copyOf(batchers);
    // Issue 13: reactions, threads, pins and read receipts answer on the same address.
    actions.putAll(new ReactionStore(vertx, shards).actions());
    actions.putAll(new ThreadStore(shards).actions());
    actions.putAll(new PinStore(vertx, shards).actions());
    actions.putAll(new ReceiptStore(shards).actions());
    actions.putAll(new ReceiptSettings(shards).actions());
  }

  Future<?> register() {
    Future<Void> sends = vertx.eventBus().<SendMessage>consumer(Addresses.PERSISTENCE_SEND, this::onSend).completion();
    Future<Void> others = vertx.eventBus().<JsonObject>consumer(Addresses.PERSISTENCE_MESSAGES, request ->
        Dispatch.handle(request, actions)).completion();
    return Future.all(sends, others);
  }

  private void onSend(Message<SendMessage> request) {
    SendMessage send = request.body();
    try {
      validateNewMessage(send);
      long roomId = Ids.parse(send.roomId(), "room");
      long senderId = Ids.parse(send.senderId(), "user");
      batchers.get(shards.ofRoom(roomId).index()).submit(send, roomId, senderId).onComplete(stored -> {
        if (stored.succeeded()) {
          request.reply(stored.result().message(),
              new DeliveryOptions().addHeader("created", String.valueOf(stored.result().created())));
        } else {
          StoreFailures.toClient(stored.cause()).failReply(request);
        }
      });
    } catch (ParleyException invalid) {
      invalid.failReply(request);
    }
  }

  private void validateNewMessage(SendMessage send) {
    if (send.attachments().isEmpty() || (send.text() != null && !send.text().isBlank())) {
      validateText(send.text());
    }
    if (send.attachments().size() > config.maxAttachments()) {
      throw ParleyException.badRequest("attachments", "at most " + config.maxAttachments() + " attachments");
    }
    if (send.attachments().stream().distinct().count() != send.attachments().size()) {
      throw ParleyException.badRequest("attachments", "an attachment can be named only once");
    }
    String clientMsgId = send.clientMsgId();
    if (clientMsgId == null || clientMsgId.isBlank()) {
      throw ParleyException.badRequest("clientMsgId", "clientMsgId is required");
    }
    if (clientMsgId.length() > config.maxClientMsgIdChars()) {
      throw ParleyException.badRequest("clientMsgId",
          "clientMsgId must be at most " + config.maxClientMsgIdChars() + " characters");
    }
    if (send.replyTo() != null && send.replyTo() < 1) {
      throw ParleyException.badRequest("replyTo", "replyTo must be the seq of a message in this room");
    }
    if (send.threadRoot() != null && send.threadRoot() < 1) {
      throw ParleyException.badRequest("threadRoot", "threadRoot must be the seq of a message in this room");
    }
  }

  private void validateText(String text) {
    if (text == null || text.isBlank()) {
      throw ParleyException.badRequest("text", "text must not be empty");
    }
    if (text.codePointCount(0, text.length()) > config.maxTextChars()) {
      throw new ParleyException(ErrorCode.TOO_LARGE, "text must be at most " + config.maxTextChars() + " characters",
          "text");
    }
  }

  /** {@code {userId, roomId, before?, after?, limit?}} -> {@code {messages: [ascending], hasMore}}. */
  private Future<JsonObject> history(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    Pool pool = shards.ofRoom(roomId).pool();
    long userId = Ids.parse(request.getString("userId"), "user");
    Long before = request.getLong("before");
    Long after = request.getLong("after");
    Integer requested = request.getInteger("limit");
    int limit = requested == null ? DEFAULT_PAGE : requested;
    if (limit < 1 || limit > MAX_PAGE) {
      throw ParleyException.badRequest("limit", "limit must be between 1 and " + MAX_PAGE);
    }
    return Access.load(pool, roomId, userId).map(Access::requireMember).compose(access -> {
      // One row more than asked tells whether there is more in the paging direction.
      Future<RowSet<Row>> rows;
      boolean descending;
      if (after != null) {
        descending = false;
        rows = pool.preparedQuery(HISTORY_AFTER)
            .execute(Tuple.of(roomId, after, before == null ? Long.MAX_VALUE : before, limit + 1));
      } else if (before != null) {
        descending = true;
        rows = pool.preparedQuery(HISTORY_BEFORE).execute(Tuple.of(roomId, 0L, before, limit + 1));
      } else {
        descending = true;
        rows = pool.preparedQuery(HISTORY_LATEST).execute(Tuple.of(roomId, limit + 1));
      }
      return rows.map(result -> {
        List<ChatMessage> page = new ArrayList<>(limit + 1);
        result.forEach(row -> page.add(MessageRows.toMessage(row)));
        boolean hasMore = page.size() > limit;
        if (hasMore) {
          page.remove(page.size() - 1);
        }
        if (descending) {
          Collections.reverse(page);
        }
        JsonArray messages = new JsonArray();
        page.forEach(message -> messages.add(message.toJson()));
        // lastSeq (an extension) lets a socket tell how far behind a reader is before replaying anything.
        return new JsonObject().put("messages", messages).put("hasMore", hasMore).put("lastSeq", access.lastSeq());
      });
    });
  }

  /** {@code {userId, roomId, seq, text}}: the author edits; -> the message with editedAt. */
  private Future<JsonObject> edit(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    Pool pool = shards.ofRoom(roomId).pool();
    long userId = Ids.parse(request.getString("userId"), "user");
    long seq = seqOf(request);
    String text = request.getString("text");
    validateText(text);
    long now = System.currentTimeMillis();
    return pool.withTransaction(connection -> Access.load(connection, roomId, userId).map(Access::requireMember)
        .compose(access -> connection.preparedQuery(LOCK_MESSAGE).execute(Tuple.of(roomId, seq)))
        .compose(rows -> {
          ChatMessage message = existing(rows);
          if (!message.senderId().equals(String.valueOf(userId))) {
            throw new ParleyException(ErrorCode.FORBIDDEN, "only the author can edit a message");
          }
          ChatMessage edited = message.edited(text, now);
          return connection.preparedQuery(EDIT).execute(Tuple.of(text, now, roomId, seq))
              .compose(updated -> Outbox.append(connection, roomId, seq, Outbox.EDITED, now)).map(edited);
        }))
        .onSuccess(edited -> vertx.eventBus().publish(Addresses.room(edited.roomId()),
            RoomEvent.of(edited.roomId(), RoomEvent.MESSAGE_UPDATED, seq, edited.toJson())))
        .map(ChatMessage::toJson);
  }

  /**
   * {@code {userId, roomId, seq, serverAdmin?}}: the author, an admin or the owner ({@link RoomStanding}) leaves a
   * tombstone that keeps the seq. {@code serverAdmin} (set only by the HTTP verticle's admin routes, after
   * checking {@code admin.usernames}) may delete in any room. A delete by anyone but the author is audited.
   */
  private Future<JsonObject> delete(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    Pool pool = shards.ofRoom(roomId).pool();
    long userId = Ids.parse(request.getString("userId"), "user");
    long seq = seqOf(request);
    boolean serverAdmin = request.getBoolean("serverAdmin", false);
    long now = System.currentTimeMillis();
    boolean[] unpinned = {false};
    ThreadReplies.Root[] summary = {null};
    return pool.withTransaction(connection -> Access.load(connection, roomId, userId)
        .map(access -> serverAdmin ? access : access.requireMember())
        .compose(access -> ThreadReplies.lockRootOf(connection, roomId, seq)
            .compose(rootLocked -> connection.preparedQuery(LOCK_MESSAGE).execute(Tuple.of(roomId, seq)))
            .compose(rows -> {
              ChatMessage message = existing(rows);
              boolean author = message.senderId().equals(String.valueOf(userId));
              if (!serverAdmin && !access.standing().mayDeleteMessage(author)) {
                throw new ParleyException(ErrorCode.FORBIDDEN,
                    "only the author, an admin or the owner can delete a message");
              }
              return connection.preparedQuery(TOMBSTONE).execute(Tuple.of(now, roomId, seq))
                  .compose(result -> result.rowCount() == 0 ? Future.succeededFuture(result)
                      : connection.preparedQuery(TOMBSTONE_ATTACHMENTS).execute(Tuple.of(now, roomId, seq))
                          .compose(tombstoned -> Outbox.append(connection, roomId, seq, Outbox.DELETED, now))
                          .compose(appended -> author ? Future.succeededFuture() : Audit.record(connection,
                              new Audit.Entry(userId, Audit.DELETE_MESSAGE, Long.parseLong(message.senderId()),
                                  roomId, seq, request.getString("reason"), serverAdmin ? "server admin" : null)))
                          .compose(audited -> PinStore.unpinDeleted(connection, roomId, seq, userId, now))
                          .compose(unpin -> {
                            unpinned[0] = unpin;
                            return message.threadRoot() == null ? Future.succeededFuture(null)
                                : ThreadReplies.replyDeleted(connection, roomId, message.threadRoot());
                          })
                          .map(root -> {
                            summary[0] = root;
                            return result;
                          }));
            })))
        .map(result -> {
          // Deleting a tombstone again changes nothing and announces nothing.
          if (result.rowCount() > 0) {
            String room = String.valueOf(roomId);
            vertx.eventBus().publish(Addresses.room(room), RoomEvent.of(room, RoomEvent.MESSAGE_DELETED, seq,
                new JsonObject().put("room", room).put("seq", seq)));
            if (unpinned[0]) {
              PinStore.announce(vertx, roomId, seq, userId, false);
            }
            if (summary[0] != null) {
              ThreadReplies.announce(vertx, summary[0]);
            }
          }
          return new JsonObject().put("deleted", true);
        });
  }

  /**
   * {@code {userId, roomId, seq, announce?}}: moves the caller's read marker forward (never back, never past
   * lastSeq) and tells the room, unless a REST read of a user who does not share read receipts.
   */
  private Future<JsonObject> read(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    Pool pool = shards.ofRoom(roomId).pool();
    long userId = Ids.parse(request.getString("userId"), "user");
    Long seq = request.getLong("seq");
    if (seq == null || seq < 0) {
      throw ParleyException.badRequest("seq", "seq must be a message seq (0 or more)");
    }
    return Access.load(pool, roomId, userId).map(Access::requireMember).compose(access -> {
      long target = Math.min(seq, access.lastSeq());
      return pool.preparedQuery(MOVE_READ_MARKER)
          .execute(Tuple.of(target, System.currentTimeMillis(), target, roomId, userId))
          .compose(moved -> pool.preparedQuery(READ_MARKER).execute(Tuple.of(roomId, userId)))
          .compose(rows -> announced(request, userId).map(announce -> {
            long marker = rows.size() == 0 ? target : rows.iterator().next().getLong("read_seq");
            String room = String.valueOf(roomId);
            if (announce) {
              vertx.eventBus().publish(Addresses.room(room), RoomEvent.by(String.valueOf(userId), room,
                  RoomEvent.READ, new JsonObject().put("room", room).put("userId", String.valueOf(userId))
                      .put("seq", marker)));
            }
            // For the notifier: pushes still waiting for this room are no longer news to the reader.
            vertx.eventBus().publish(Addresses.READ_MARKERS, new JsonObject().put("userId", String.valueOf(userId))
                .put("roomId", room).put("seq", marker));
            return new JsonObject().put("seq", marker);
          }));
    });
  }

  /**
   * Whether others get a {@code read} event: always for the v1 WebSocket {@code read} frame; for REST
   * ({@code announce: "ifShared"}) only when the reader shares read receipts ({@link ReceiptSettings}).
   */
  private Future<Boolean> announced(JsonObject request, long userId) {
    if (!"ifShared".equals(request.getString("announce"))) {
      return Future.succeededFuture(true);
    }
    return ReceiptSettings.hiding(shards, List.of(userId)).map(Set::isEmpty);
  }

  static long seqOf(JsonObject request) {
    Long seq = request.getLong("seq");
    if (seq == null || seq < 1) {
      throw new ParleyException(ErrorCode.NOT_FOUND, "no such message");
    }
    return seq;
  }

  private static ChatMessage existing(RowSet<Row> rows) {
    if (rows.size() == 0) {
      throw new ParleyException(ErrorCode.NOT_FOUND, "no such message");
    }
    ChatMessage message = MessageRows.toMessage(rows.iterator().next());
    if (message.deleted()) {
      throw new ParleyException(ErrorCode.NOT_FOUND, "no such message");
    }
    return message;
  }
}
