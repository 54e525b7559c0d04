package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.IntegrationActions;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Outgoing webhooks on the room's shard (id {@code "<roomId>-<random>"}). The secret is kept as given: it is the
 * HMAC key the delivering verticle signs with, and it is never answered to clients. Creating, listing and
 * deleting re-check the caller's role in the transaction.
 */
final class OutgoingHookStore {

  private static final String COLUMNS = "id, room_id, url, events, created_at, disabled_at, disabled_reason";
  private static final String INSERT = "INSERT INTO outgoing_hooks (id, room_id, url, events, secret, created_by,"
      + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String OF_ROOM = "SELECT " + COLUMNS + " FROM outgoing_hooks WHERE room_id = ?"
      + " AND deleted_at IS NULL ORDER BY created_at";
  private static final String DELETE = "UPDATE outgoing_hooks SET deleted_at = ? WHERE id = ? AND room_id = ?"
      + " AND deleted_at IS NULL";
  private static final String ACTIVE = "SELECT h.id, h.room_id, h.url, h.events, h.secret FROM outgoing_hooks h"
      + " JOIN rooms r ON r.id = h.room_id AND r.deleted_at IS NULL"
      + " WHERE h.deleted_at IS NULL AND h.disabled_at IS NULL";
  private static final String DISABLE = "UPDATE outgoing_hooks SET disabled_at = ?, disabled_reason = ? WHERE id = ?"
      + " AND disabled_at IS NULL AND deleted_at IS NULL";

  private final Shards shards;

  OutgoingHookStore(Shards shards) {
    this.shards = shards;
  }

  Map<String, Function<JsonObject, Future<?>>> actions() {
    return Map.of(
        IntegrationActions.CREATE_HOOK, this::create,
        IntegrationActions.LIST_HOOKS, this::list,
        IntegrationActions.DELETE_HOOK, this::delete,
        IntegrationActions.ACTIVE_HOOKS, this::active,
        IntegrationActions.DISABLE_HOOK, this::disable);
  }

  private Future<JsonObject> create(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    long roomId = Ids.parse(request.getString("roomId"), "room");
    String id = request.getString("id");
    if (IncomingWebhookStore.roomOf(id, "hook") != roomId) {
      throw ParleyException.badRequest("id", "the hook id must name its room");
    }
    String events = String.join(",", request.getJsonArray("events").stream().map(String.class::cast).toList());
    long now = System.currentTimeMillis();
    return shards.ofRoom(roomId).pool().withTransaction(connection -> RoomAdmins.require(connection, roomId, userId)
            .compose(allowed -> connection.preparedQuery(INSERT).execute(Tuple.of(id, roomId, request.getString("url"),
                events, request.getString("secret"), userId, now))))
        .map(inserted -> new JsonObject().put("id", id).put("roomId", String.valueOf(roomId))
            .put("url", request.getString("url")).put("events", request.getJsonArray("events").copy())
            .put("createdAt", now));
  }

  private Future<JsonObject> list(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    long roomId = Ids.parse(request.getString("roomId"), "room");
    return shards.ofRoom(roomId).pool().withTransaction(connection -> RoomAdmins.require(connection, roomId, userId)
        .compose(allowed -> connection.preparedQuery(OF_ROOM).execute(Tuple.of(roomId)))
        .map(rows -> {
          JsonArray hooks = new JsonArray();
          for (Row row : rows) {
            JsonObject hook = new JsonObject().put("id", row.getString("id"))
                .put("roomId", String.valueOf(row.getLong("room_id"))).put("url", row.getString("url"))
                .put("events", events(row)).put("createdAt", row.getLong("created_at"));
            if (row.getLong("disabled_at") != null) {
              hook.put("disabled", true).put("disabledAt", row.getLong("disabled_at"))
                  .put("disabledReason", row.getString("disabled_reason"));
            }
            hooks.add(hook);
          }
          return new JsonObject().put("hooks", hooks);
        }));
  }

  private Future<JsonObject> delete(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    long roomId = Ids.parse(request.getString("roomId"), "room");
    String hookId = request.getString("hookId");
    if (IncomingWebhookStore.roomOf(hookId, "hook") != roomId) {
      throw new ParleyException(ErrorCode.NOT_FOUND, "no such hook");
    }
    return shards.ofRoom(roomId).pool().withTransaction(connection -> RoomAdmins.require(connection, roomId, userId)
        .compose(allowed -> connection.preparedQuery(DELETE).execute(Tuple.of(System.currentTimeMillis(), hookId, roomId)))
        .map(deleted -> {
          if (deleted.rowCount() == 0) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "no such hook");
          }
          return new JsonObject();
        }));
  }

  private Future<JsonObject> active(JsonObject request) {
    return shards.everywhere(shard -> shard.pool().query(ACTIVE).execute()).map(results -> {
      JsonArray hooks = new JsonArray();
      results.forEach(rows -> rows.forEach(row -> hooks.add(new JsonObject().put("id", row.getString("id"))
          .put("roomId", String.valueOf(row.getLong("room_id"))).put("url", row.getString("url"))
          .put("events", events(row)).put("secret", row.getString("secret")))));
      return new JsonObject().put("hooks", hooks);
    });
  }

  private Future<JsonObject> disable(JsonObject request) {
    String hookId = request.getString("hookId");
    long roomId = IncomingWebhookStore.roomOf(hookId, "hook");
    String reason = request.getString("reason", "");
    return shards.ofRoom(roomId).pool().withTransaction(connection -> connection.preparedQuery(DISABLE)
        .execute(Tuple.of(System.currentTimeMillis(), reason.length() > 255 ? reason.substring(0, 255) : reason, hookId))
        .compose(disabled -> RoomAdmins.of(connection, roomId)
            .map(admins -> new JsonObject().put("disabled", disabled.rowCount() == 1).put("admins", admins))));
  }

  private static JsonArray events(Row row) {
    List<String> names = new ArrayList<>(Arrays.asList(row.getString("events").split(",")));
    names.removeIf(String::isEmpty);
    return new JsonArray(names);
  }
}
