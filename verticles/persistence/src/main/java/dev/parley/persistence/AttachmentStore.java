package dev.parley.persistence;

import dev.parley.contract.Addresses;
import dev.parley.contract.AttachmentActions;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
 * Attachment metadata on the room's shard (the bytes are in the HTTP verticle's blob store). An attachment id
 * is {@code "<roomId>-<random>"}, so it names its shard without a lookup. Every read checks membership in SQL:
 * a kicked member or an outsider gets 404, as for an attachment that does not exist.
 */
final class AttachmentStore {

  static final String COLUMNS =
      "id, room_id, uploader_id, name, content_type, size, sha256, width, height, storage_key, thumbnail_key,"
          + " created_at, message_seq, deleted_at";
  private static final String INSERT = "INSERT INTO attachments (id, room_id, uploader_id, name, content_type,"
      + " size, sha256, width, height, storage_key, thumbnail_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM attachments WHERE id = ? AND deleted_at IS NULL";
  private static final String MEMBER = "SELECT 1 FROM room_members m JOIN rooms r ON r.id = m.room_id"
      + " AND r.deleted_at IS NULL WHERE m.room_id = ? AND m.user_id = ?";
  /** SKIP LOCKED: a purge on another node, or a send attaching one of these right now, is not waited for. */
  private static final String EXPIRED = "SELECT id, storage_key, thumbnail_key FROM attachments"
      + " WHERE (message_seq IS NULL AND created_at < ?) OR deleted_at IS NOT NULL LIMIT ? FOR UPDATE SKIP LOCKED";
  private static final String DELETE = "DELETE FROM attachments WHERE id IN (%s)";

  private final Vertx vertx;
  private final Shards shards;
  private final Map<String, Function<JsonObject, Future<?>>> actions = Map.of(
      AttachmentActions.CHECK_MEMBER, this::checkMember,
      AttachmentActions.CREATE, this::create,
      AttachmentActions.GET, this::get,
      AttachmentActions.PURGE, this::purge);

  AttachmentStore(Vertx vertx, Shards shards) {
    this.vertx = vertx;
    this.shards = shards;
  }

  Future<?> register() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.PERSISTENCE_ATTACHMENTS, request ->
        Dispatch.handle(request, actions)).completion();
  }

  /** The room an attachment id names; a malformed id names nothing. */
  static long roomOf(String attachmentId) {
    int dash = attachmentId == null ? -1 : attachmentId.indexOf('-');
    if (dash <= 0 || attachmentId.length() > 64) {
      throw new ParleyException(ErrorCode.NOT_FOUND, "no such attachment");
    }
    try {
      return Ids.parse(attachmentId.substring(0, dash), "attachment");
    } catch (ParleyException malformed) {
      throw new ParleyException(ErrorCode.NOT_FOUND, "no such attachment");
    }
  }

  private Future<JsonObject> checkMember(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    long userId = Ids.parse(request.getString("userId"), "user");
    return requireMember(shards.ofRoom(roomId).pool(), roomId, userId, "no such room").map(new JsonObject());
  }

  private Future<JsonObject> create(JsonObject request) {
    String id = request.getString("id");
    long roomId = Ids.parse(request.getString("roomId"), "room");
    if (roomOf(id) != roomId) {
      throw ParleyException.badRequest("id", "the attachment id must name its room");
    }
    long userId = Ids.parse(request.getString("userId"), "user");
    Pool pool = shards.ofRoom(roomId).pool();
    Tuple row = Tuple.of(id, roomId, userId, request.getString("name"), request.getString("contentType"),
            request.getLong("size"), request.getString("sha256"))
        .addValue(request.getInteger("width")).addValue(request.getInteger("height"))
        .addString(request.getString("storageKey")).addValue(request.getString("thumbnailKey"))
        .addLong(System.currentTimeMillis());
    // The membership is checked again in the writing transaction: a member kicked during the upload stores nothing.
    return pool.withTransaction(connection -> connection.preparedQuery(MEMBER + " FOR UPDATE")
            .execute(Tuple.of(roomId, userId))
            .compose(rows -> rows.size() == 0
                ? Future.failedFuture(new ParleyException(ErrorCode.NOT_FOUND, "no such room"))
                : connection.preparedQuery(INSERT).execute(row)))
        .map(inserted -> toClient(request));
  }

  private Future<JsonObject> get(JsonObject request) {
    String id = request.getString("id");
    long roomId = roomOf(id);
    long userId = Ids.parse(request.getString("userId"), "user");
    Pool pool = shards.ofRoom(roomId).pool();
    return requireMember(pool, roomId, userId, "no such attachment")
        .compose(member -> pool.preparedQuery(BY_ID).execute(Tuple.of(id)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "no such attachment");
          }
          Row row = rows.iterator().next();
          return toClient(toJson(row)).put("sha256", row.getString("sha256"))
              .put("storageKey", row.getString("storage_key")).put("thumbnailKey", row.getString("thumbnail_key"));
        });
  }

  private Future<JsonObject> purge(JsonObject request) {
    long orphanBefore = request.getLong("orphanBefore");
    int limit = request.getInteger("limit", 100);
    return shards.everywhere(shard -> shard.pool().withTransaction(connection -> connection
            .preparedQuery(EXPIRED).execute(Tuple.of(orphanBefore, limit))
            .compose(rows -> {
              List<String> keys = new ArrayList<>();
              Tuple ids = Tuple.tuple();
              for (Row row : rows) {
                ids.addString(row.getString("id"));
                keys.add(row.getString("storage_key"));
                if (row.getString("thumbnail_key") != null) {
                  keys.add(row.getString("thumbnail_key"));
                }
              }
              return ids.size() == 0 ? Future.succeededFuture(keys)
                  : connection.preparedQuery(DELETE.formatted(SendBatcher.placeholders(ids.size(), 1))).execute(ids)
                      .map(keys);
            })))
        .map(perShard -> new JsonObject().put("keys", new JsonArray(perShard.stream().flatMap(List::stream).toList())));
  }

  private static Future<Void> requireMember(Pool pool, long roomId, long userId, String notFound) {
    return pool.preparedQuery(MEMBER).execute(Tuple.of(roomId, userId)).compose(rows -> rows.size() == 0
        ? Future.failedFuture(new ParleyException(ErrorCode.NOT_FOUND, notFound)) : Future.succeededFuture());
  }

  /** A row as {@link #toClient} reads it. */
  static JsonObject toJson(Row row) {
    return new JsonObject().put("id", row.getString("id")).put("roomId", String.valueOf(row.getLong("room_id")))
        .put("name", row.getString("name"))
        .put("contentType", row.getString("content_type")).put("size", row.getLong("size"))
        .put("width", row.getInteger("width")).put("height", row.getInteger("height"));
  }

  /** The upload answer: {@code {id, roomId, name, contentType, size, sha256, width?, height?}}. */
  private static JsonObject toClient(JsonObject attachment) {
    JsonObject json = new JsonObject().put("id", attachment.getString("id")).put("roomId", attachment.getString("roomId"))
        .put("name", attachment.getString("name")).put("contentType", attachment.getString("contentType"))
        .put("size", attachment.getLong("size"));
    putIfPresent(json, "sha256", attachment.getString("sha256"));
    putIfPresent(json, "width", attachment.getInteger("width"));
    putIfPresent(json, "height", attachment.getInteger("height"));
    return json;
  }

  /** What a message shows of an attachment: {@code {id, name, contentType, size, width?, height?}}. */
  static JsonObject inMessage(Row row) {
    JsonObject json = new JsonObject().put("id", row.getString("id")).put("name", row.getString("name"))
        .put("contentType", row.getString("content_type")).put("size", row.getLong("size"));
    putIfPresent(json, "width", row.getInteger("width"));
    putIfPresent(json, "height", row.getInteger("height"));
    return json;
  }

  private static void putIfPresent(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }
}
