package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What incoming webhooks and outgoing hooks have in common: rows of one table on their room's shard, with ids
 * {@code "<roomId>-<random>"} that name the room (and so the shard), soft-deleted ({@code deleted_at}), and
 * created, listed and deleted only by the room's owner and admins, checked inside the writing transaction.
 */
final class RoomHooks {

  /** Who asks, for which room. */
  record Caller(long userId, long roomId) {
  }

  private final Shards shards;
  private final String what;
  private final String softDelete;

  /** {@code what} names a row in errors ("webhook", "hook"). */
  RoomHooks(Shards shards, String table, String what) {
    this.shards = shards;
    this.what = what;
    this.softDelete = "UPDATE " + table + " SET deleted_at = ? WHERE id = ? AND room_id = ? AND deleted_at IS NULL";
  }

  /** The room an id like {@code "<roomId>-<random>"} names; a malformed id names nothing (404). */
  long roomOf(String id) {
    int dash = id == null ? -1 : id.indexOf('-');
    if (dash <= 0 || id.length() > 64) {
      throw notFound();
    }
    return Ids.parse(id.substring(0, dash), what);
  }

  ParleyException notFound() {
    return new ParleyException(ErrorCode.NOT_FOUND, "no such " + what);
  }

  static Caller caller(JsonObject request) {
    return new Caller(Ids.parse(request.getString("userId"), "user"), Ids.parse(request.getString("roomId"), "room"));
  }

  /** The caller of a create, whose new {@code id} must name the room. */
  Caller creating(JsonObject request) {
    Caller caller = caller(request);
    if (roomOf(request.getString("id")) != caller.roomId()) {
      throw ParleyException.badRequest("id", "the " + what + " id must name its room");
    }
    return caller;
  }

  /** {@code work} in one transaction on the room's shard, after checking that the caller is owner or admin. */
  <T> Future<T> asAdmin(Caller caller, Function<SqlConnection, Future<T>> work) {
    return shards.ofRoom(caller.roomId()).pool().withTransaction(connection ->
        RoomAdmins.require(connection, caller.roomId(), caller.userId()).compose(allowed -> work.apply(connection)));
  }

  /** The room's rows of {@code select} (one {@code room_id = ?} parameter), each shaped by {@code shape}. */
  Future<JsonArray> list(JsonObject request, String select, Function<Row, JsonObject> shape) {
    Caller caller = caller(request);
    return asAdmin(caller, connection -> connection.preparedQuery(select).execute(Tuple.of(caller.roomId()))
        .map(rows -> {
          JsonArray shaped = new JsonArray();
          rows.forEach(row -> shaped.add(shape.apply(row)));
          return shaped;
        }));
  }

  /**
   * Soft-deletes the row {@code hookId} of the caller's room (404 when there is none, or it is already deleted),
   * then {@code after} in the same transaction.
   */
  <T> Future<T> delete(JsonObject request, BiFunction<SqlConnection, String, Future<T>> after) {
    Caller caller = caller(request);
    String hookId = request.getString("hookId");
    if (roomOf(hookId) != caller.roomId()) {
      throw notFound();
    }
    return asAdmin(caller, connection -> connection.preparedQuery(softDelete)
        .execute(Tuple.of(System.currentTimeMillis(), hookId, caller.roomId()))
        .compose(deleted -> deleted.rowCount() == 0 ? Future.failedFuture(notFound()) : after.apply(connection, hookId)));
  }
}
