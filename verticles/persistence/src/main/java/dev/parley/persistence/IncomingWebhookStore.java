package dev.parley.persistence;

import dev.parley.contract.IntegrationActions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.function.Function;

/**
 * Incoming webhooks on the room's shard. An id is {@code "<roomId>-<random>"} (it names its shard, like an
 * attachment id); the secret of its URL is stored as SHA-256. Creating, listing and deleting are {@link RoomHooks}'
 * (the caller's role re-checked in the transaction).
 */
final class IncomingWebhookStore {

  private static final String INSERT = "INSERT INTO incoming_webhooks (id, room_id, bot_id, name, secret_hash,"
      + " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String OF_ROOM = "SELECT id, name, bot_id, created_at FROM incoming_webhooks"
      + " WHERE room_id = ? AND deleted_at IS NULL ORDER BY created_at";
  private static final String BOT = "SELECT bot_id FROM incoming_webhooks WHERE id = ?";
  private static final String BY_SECRET = "SELECT room_id, bot_id FROM incoming_webhooks WHERE id = ? AND secret_hash = ?"
      + " AND deleted_at IS NULL";

  private final Shards shards;
  private final RoomHooks rows;

  IncomingWebhookStore(Shards shards) {
    this.shards = shards;
    this.rows = new RoomHooks(shards, "incoming_webhooks", "webhook");
  }

  Map<String, Function<JsonObject, Future<?>>> actions() {
    return Map.of(
        IntegrationActions.CREATE_WEBHOOK, this::create,
        IntegrationActions.LIST_WEBHOOKS, this::list,
        IntegrationActions.DELETE_WEBHOOK, this::delete,
        IntegrationActions.WEBHOOK_BY_SECRET, this::bySecret);
  }

  private Future<JsonObject> create(JsonObject request) {
    RoomHooks.Caller caller = rows.creating(request);
    String id = request.getString("id");
    long botId = Ids.parse(request.getString("botId"), "bot");
    String name = request.getString("name");
    long now = System.currentTimeMillis();
    return rows.asAdmin(caller, connection -> connection.preparedQuery(INSERT)
            .execute(Tuple.of(id, caller.roomId(), botId, name, request.getString("secretHash"), caller.userId(), now)))
        .map(inserted -> new JsonObject().put("id", id).put("roomId", String.valueOf(caller.roomId())).put("name", name)
            .put("botId", String.valueOf(botId)).put("createdAt", now));
  }

  private Future<JsonObject> list(JsonObject request) {
    return rows.list(request, OF_ROOM, row -> new JsonObject().put("id", row.getString("id"))
            .put("name", row.getString("name")).put("botId", String.valueOf(row.getLong("bot_id")))
            .put("createdAt", row.getLong("created_at")))
        .map(hooks -> new JsonObject().put("webhooks", hooks));
  }

  /** Answers the deleted hook's bot (the http verticle removes it from the room). */
  private Future<JsonObject> delete(JsonObject request) {
    return rows.delete(request, (connection, hookId) -> connection.preparedQuery(BOT).execute(Tuple.of(hookId))
        .map(found -> new JsonObject().put("botId", String.valueOf(found.iterator().next().getLong("bot_id")))));
  }

  private Future<JsonObject> bySecret(JsonObject request) {
    String hookId = request.getString("hookId");
    long roomId = rows.roomOf(hookId);
    return shards.ofRoom(roomId).pool().preparedQuery(BY_SECRET).execute(Tuple.of(hookId, request.getString("secretHash")))
        .map(found -> {
          if (found.size() == 0) {
            throw rows.notFound();
          }
          Row row = found.iterator().next();
          return new JsonObject().put("roomId", String.valueOf(row.getLong("room_id")))
              .put("botId", String.valueOf(row.getLong("bot_id")));
        });
  }
}
