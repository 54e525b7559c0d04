package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.IntegrationActions;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.function.Function;

/**
 * Incoming webhooks on the room's shard. An id is {@code "<roomId>-<random>"} (it names its shard, like an
 * attachment id); the secret of its URL is stored as SHA-256. Creating and deleting re-check the caller's role in
 * the writing transaction.
 */
final class IncomingWebhookStore {

  private static final String INSERT = "INSERT INTO incoming_webhooks (id, room_id, bot_id, name, secret_hash,"
      + " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String OF_ROOM = "SELECT id, name, bot_id, created_at FROM incoming_webhooks"
      + " WHERE room_id = ? AND deleted_at IS NULL ORDER BY created_at";
  private static final String DELETE = "UPDATE incoming_webhooks SET deleted_at = ? WHERE id = ? AND room_id = ?"
      + " AND deleted_at IS NULL";
  private static final String BOT = "SELECT bot_id FROM incoming_webhooks WHERE id = ?";
  private static final String BY_SECRET = "SELECT room_id, bot_id FROM incoming_webhooks WHERE id = ? AND secret_hash = ?"
      + " AND deleted_at IS NULL";

  private final Shards shards;

  IncomingWebhookStore(Shards shards) {
    this.shards = shards;
  }

  Map<String, Function<JsonObject, Future<?>>> actions() {
    return Map.of(
        IntegrationActions.CREATE_WEBHOOK, this::create,
        IntegrationActions.LIST_WEBHOOKS, this::list,
        IntegrationActions.DELETE_WEBHOOK, this::delete,
        IntegrationActions.WEBHOOK_BY_SECRET, this::bySecret);
  }

  /** The room an id like {@code "<roomId>-<random>"} names; a malformed id names nothing. */
  static long roomOf(String hookId, String what) {
    int dash = hookId == null ? -1 : hookId.indexOf('-');
    if (dash <= 0 || hookId.length() > 64) {
      throw new ParleyException(ErrorCode.NOT_FOUND, "no such " + what);
    }
    return Ids.parse(hookId.substring(0, dash), what);
  }

  private Future<JsonObject> create(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    long roomId = Ids.parse(request.getString("roomId"), "room");
    String id = request.getString("id");
    if (roomOf(id, "webhook") != roomId) {
      throw ParleyException.badRequest("id", "the webhook id must name its room");
    }
    long botId = Ids.parse(request.getString("botId"), "bot");
    String name = request.getString("name");
    long now = System.currentTimeMillis();
    return shards.ofRoom(roomId).pool().withTransaction(connection -> RoomAdmins.require(connection, roomId, userId)
            .compose(allowed -> connection.preparedQuery(INSERT)
                .execute(Tuple.of(id, roomId, botId, name, request.getString("secretHash"), userId, now))))
        .map(inserted -> new JsonObject().put("id", id).put("roomId", String.valueOf(roomId)).put("name", name)
            .put("botId", String.valueOf(botId)).put("createdAt", now));
  }

  private Future<JsonObject> list(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    long roomId = Ids.parse(request.getString("roomId"), "room");
    return shards.ofRoom(roomId).pool().withTransaction(connection -> RoomAdmins.require(connection, roomId, userId)
        .compose(allowed -> connection.preparedQuery(OF_ROOM).execute(Tuple.of(roomId)))
        .map(rows -> {
          JsonArray hooks = new JsonArray();
          for (Row row : rows) {
            hooks.add(new JsonObject().put("id", row.getString("id")).put("name", row.getString("name"))
                .put("botId", String.valueOf(row.getLong("bot_id"))).put("createdAt", row.getLong("created_at")));
          }
          return new JsonObject().put("webhooks", hooks);
        }));
  }

  private Future<JsonObject> delete(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    long roomId = Ids.parse(request.getString("roomId"), "room");
    String hookId = request.getString("hookId");
    if (roomOf(hookId, "webhook") != roomId) {
      throw new ParleyException(ErrorCode.NOT_FOUND, "no such webhook");
    }
    return shards.ofRoom(roomId).pool().withTransaction(connection -> RoomAdmins.require(connection, roomId, userId)
        .compose(allowed -> connection.preparedQuery(DELETE).execute(Tuple.of(System.currentTimeMillis(), hookId, roomId)))
        .compose(deleted -> deleted.rowCount() == 0
            ? Future.failedFuture(new ParleyException(ErrorCode.NOT_FOUND, "no such webhook"))
            : connection.preparedQuery(BOT).execute(Tuple.of(hookId)))
        .map(rows -> new JsonObject().put("botId", String.valueOf(rows.iterator().next().getLong("bot_id")))));
  }

  private Future<JsonObject> bySecret(JsonObject request) {
    String hookId = request.getString("hookId");
    long roomId = roomOf(hookId, "webhook");
    return shards.ofRoom(roomId).pool().preparedQuery(BY_SECRET).execute(Tuple.of(hookId, request.getString("secretHash")))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "no such webhook");
          }
          Row row = rows.iterator().next();
          return new JsonObject().put("roomId", String.valueOf(row.getLong("room_id")))
              .put("botId", String.valueOf(row.getLong("bot_id")));
        });
  }
}
