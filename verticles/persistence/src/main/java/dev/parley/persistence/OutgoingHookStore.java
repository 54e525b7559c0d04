package dev.parley.persistence;

import dev.parley.contract.IntegrationActions;
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
 * deleting are {@link RoomHooks}' (the caller's role re-checked in the transaction).
 */
final class OutgoingHookStore {

  private static final String COLUMNS = "id, room_id, url, events, created_at, disabled_at, disabled_reason";
  private static final String INSERT = "INSERT INTO outgoing_hooks (id, room_id, url, events, secret, created_by,"
      + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String OF_ROOM = "SELECT " + COLUMNS + " FROM outgoing_hooks WHERE room_id = ?"
      + " AND deleted_at IS NULL ORDER BY created_at";
  private static final String ACTIVE = "SELECT h.id, h.room_id, h.url, h.events, h.secret, h.created_at FROM outgoing_hooks h"
      + " JOIN rooms r ON r.id = h.room_id AND r.deleted_at IS NULL"
      + " WHERE h.deleted_at IS NULL AND h.disabled_at IS NULL";
  private static final String DISABLE = "UPDATE outgoing_hooks SET disabled_at = ?, disabled_reason = ? WHERE id = ?"
      + " AND disabled_at IS NULL AND deleted_at IS NULL";

  private final Shards shards;
  private final RoomHooks rows;

  OutgoingHookStore(Shards shards) {
    this.shards = shards;
    this.rows = new RoomHooks(shards, "outgoing_hooks", "hook");
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
    RoomHooks.Caller caller = rows.creating(request);
    String id = request.getString("id");
    String events = String.join(",", request.getJsonArray("events").stream().map(String.class::cast).toList());
    long now = System.currentTimeMillis();
    return rows.asAdmin(caller, connection -> connection.preparedQuery(INSERT).execute(Tuple.of(id, caller.roomId(),
            request.getString("url"), events, request.getString("secret"), caller.userId(), now)))
        .map(inserted -> new JsonObject().put("id", id).put("roomId", String.valueOf(caller.roomId()))
            .put("url", request.getString("url")).put("events", request.getJsonArray("events").copy())
            .put("createdAt", now));
  }

  private Future<JsonObject> list(JsonObject request) {
    return rows.list(request, OF_ROOM, row -> {
      JsonObject hook = new JsonObject().put("id", row.getString("id"))
          .put("roomId", String.valueOf(row.getLong("room_id"))).put("url", row.getString("url"))
          .put("events", events(row)).put("createdAt", row.getLong("created_at"));
      if (row.getLong("disabled_at") != null) {
        hook.put("disabled", true).put("disabledAt", row.getLong("disabled_at"))
            .put("disabledReason", row.getString("disabled_reason"));
      }
      return hook;
    }).map(hooks -> new JsonObject().put("hooks", hooks));
  }

  private Future<JsonObject> delete(JsonObject request) {
    return rows.delete(request, (connection, hookId) -> Future.succeededFuture(new JsonObject()));
  }

  private Future<JsonObject> active(JsonObject request) {
    return shards.everywhere(shard -> shard.pool().query(ACTIVE).execute()).map(results -> {
      JsonArray hooks = new JsonArray();
      results.forEach(found -> found.forEach(row -> hooks.add(new JsonObject().put("id", row.getString("id"))
          .put("roomId", String.valueOf(row.getLong("room_id"))).put("url", row.getString("url"))
          .put("events", events(row)).put("secret", row.getString("secret"))
          .put("createdAt", row.getLong("created_at")))));
      return new JsonObject().put("hooks", hooks);
    });
  }

  private Future<JsonObject> disable(JsonObject request) {
    String hookId = request.getString("hookId");
    long roomId = rows.roomOf(hookId);
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
