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
 * Pinned messages (issue 13). Pinning and unpinning are for the owner and admins, decided with
 * {@link dev.parley.contract.RoomStanding} on the role read under the room lock ({@link RoomWrites#lock}) in the
 * transaction that writes; each change is an outbox event ({@code pinned}/{@code unpinned}) and, after the commit,
 * a live {@code pin} event. A pin survives edits (it names the seq); deleting a message removes its pin in the
 * delete's transaction ({@link #unpinDeleted}). Members list the pins newest first with their messages.
 */
final class PinStore {

  /** A room keeps at most this many pins; the next one is a 409 until one is removed. */
  static final int MAX_PINS = 100;

  private static final String MESSAGE = "SELECT deleted_at FROM messages WHERE room_id = ? AND seq = ?";
  private static final String COUNT = "SELECT COUNT(*) AS n FROM message_pins WHERE room_id = ?";
  private static final String INSERT =
      "INSERT IGNORE INTO message_pins (room_id, seq, pinned_by, pinned_at) VALUES (?, ?, ?, ?)";
  private static final String DELETE = "DELETE FROM message_pins WHERE room_id = ? AND seq = ?";
  private static final String LIST = "SELECT p.pinned_by, p.pinned_at, " + prefixed("m.")
      + " FROM message_pins p JOIN messages m ON m.room_id = p.room_id AND m.seq = p.seq"
      + " WHERE p.room_id = ? ORDER BY p.pinned_at DESC, p.seq DESC";

  private final Vertx vertx;
  private final Shards shards;

  PinStore(Vertx vertx, Shards shards) {
    this.vertx = vertx;
    this.shards = shards;
  }

  Map<String, Function<JsonObject, Future<?>>> actions() {
    return Map.of(RoomActions.PIN, request -> change(request, true),
        RoomActions.UNPIN, request -> change(request, false),
        RoomActions.PINS, this::list);
  }

  /** {@code {userId, roomId, seq}} (owner/admin) -> {@code {changed}}; idempotent. */
  private Future<JsonObject> change(JsonObject request, boolean pin) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    long userId = Ids.parse(request.getString("userId"), "user");
    long seq = MessageStore.seqOf(request);
    long now = System.currentTimeMillis();
    Pool pool = shards.ofRoom(roomId).pool();
    return pool.withTransaction(connection -> RoomWrites.lock(connection, roomId, userId, userId)
        .compose(locked -> {
          locked.actor().requireAdmin();
          return connection.preparedQuery(MESSAGE).execute(Tuple.of(roomId, seq));
        })
        .compose(rows -> {
          if (rows.size() == 0 || rows.iterator().next().getLong("deleted_at") != null) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "no such message");
          }
          return pin ? insert(connection, roomId, seq, userId, now)
              : connection.preparedQuery(DELETE).execute(Tuple.of(roomId, seq)).map(deleted -> deleted.rowCount() > 0);
        })
        .compose(changed -> !changed ? Future.succeededFuture(false)
            : Outbox.append(connection, roomId, seq, pin ? MessageEvent.PINNED : MessageEvent.UNPINNED, now, userId, null)
                .map(true)))
        .map(changed -> {
          if (changed) {
            announce(vertx, roomId, seq, userId, pin);
          }
          return new JsonObject().put("changed", changed);
        });
  }

  private static Future<Boolean> insert(SqlConnection connection, long roomId, long seq, long userId, long now) {
    return connection.preparedQuery(COUNT).execute(Tuple.of(roomId)).compose(rows -> {
      if (rows.iterator().next().getLong("n") >= MAX_PINS) {
        throw new ParleyException(ErrorCode.CONFLICT, "a room keeps at most " + MAX_PINS + " pins");
      }
      return connection.preparedQuery(INSERT).execute(Tuple.of(roomId, seq, userId, now))
          .map(inserted -> inserted.rowCount() > 0);
    });
  }

  /** {@code {userId, roomId}} (members) -> {@code {pins: [{seq, pinnedBy, pinnedAt, message}]}} newest first. */
  private Future<JsonObject> list(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    long userId = Ids.parse(request.getString("userId"), "user");
    Pool pool = shards.ofRoom(roomId).pool();
    return Access.load(pool, roomId, userId).map(Access::requireMember)
        .compose(access -> pool.preparedQuery(LIST).execute(Tuple.of(roomId)))
        .map(rows -> {
          JsonArray pins = new JsonArray();
          for (Row row : rows) {
            JsonObject message = MessageRows.toMessage(row).toJson();
            pins.add(new JsonObject().put("seq", message.getLong("seq"))
                .put("pinnedBy", String.valueOf(row.getLong("pinned_by"))).put("pinnedAt", row.getLong("pinned_at"))
                .put("message", message));
          }
          return new JsonObject().put("pins", pins);
        });
  }

  /**
   * In a delete's transaction: removes the message's pin, with its outbox event; true when there was one (the
   * caller announces it after the commit with {@link #announce}).
   */
  static Future<Boolean> unpinDeleted(SqlConnection connection, long roomId, long seq, long userId, long now) {
    return connection.preparedQuery(DELETE).execute(Tuple.of(roomId, seq)).compose(deleted -> deleted.rowCount() == 0
        ? Future.succeededFuture(false)
        : Outbox.append(connection, roomId, seq, MessageEvent.UNPINNED, now, userId, null).map(true));
  }

  static void announce(Vertx vertx, long roomId, long seq, long userId, boolean pin) {
    String room = String.valueOf(roomId);
    vertx.eventBus().publish(Addresses.room(room), RoomEvent.of(room, RoomEvent.PIN, 0, new JsonObject()
        .put("room", room).put("seq", seq).put("userId", String.valueOf(userId)).put("op", pin ? "add" : "remove")));
  }

  private static String prefixed(String alias) {
    return alias + MessageRows.COLUMNS.replace(", ", ", " + alias);
  }
}
