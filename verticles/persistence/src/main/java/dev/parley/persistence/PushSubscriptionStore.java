package dev.parley.persistence;

import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.PushActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.function.Function;

/** Push subscriptions of users (shard 0, {@code push_subscriptions}); see {@link PushActions}. */
final class PushSubscriptionStore {

  private static final String COLUMNS = "id, kind, endpoint, p256dh, auth, pushkey, app_id, created_at";
  private static final String UPSERT = "INSERT INTO push_subscriptions (user_id, kind, endpoint, p256dh, auth, pushkey,"
      + " app_id, target_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
      + " id = LAST_INSERT_ID(id), user_id = VALUES(user_id), p256dh = VALUES(p256dh), auth = VALUES(auth),"
      + " app_id = VALUES(app_id)";
  private static final String OF_USER = "SELECT " + COLUMNS + " FROM push_subscriptions WHERE user_id = ? ORDER BY id";
  /** Keeps the user's newest {@code max}: older ones are most likely of devices gone for good. */
  private static final String TRIM = "DELETE FROM push_subscriptions WHERE user_id = ? AND id <= (SELECT id FROM"
      + " (SELECT id FROM push_subscriptions WHERE user_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?) AS newest)";
  private static final String DELETE_MINE = "DELETE FROM push_subscriptions WHERE user_id = ? AND id = ?";
  private static final String DELETE = "DELETE FROM push_subscriptions WHERE id IN (%s)";

  private final Vertx vertx;
  private final Pool pool;
  private final int maxPerUser;
  private final Map<String, Function<JsonObject, Future<?>>> actions = Map.of(
      PushActions.SUBSCRIBE, this::subscribe,
      PushActions.LIST, request -> ofUser(request, false),
      PushActions.TARGETS, request -> ofUser(request, true),
      PushActions.UNSUBSCRIBE, this::unsubscribe,
      PushActions.REMOVE, this::remove);

  PushSubscriptionStore(Vertx vertx, Pool pool, int maxPerUser) {
    this.vertx = vertx;
    this.pool = pool;
    this.maxPerUser = maxPerUser;
  }

  Future<?> register() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.PERSISTENCE_PUSH, request ->
        Dispatch.handle(request, actions)).completion();
  }

  private Future<JsonObject> subscribe(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    JsonObject subscription = request.getJsonObject("subscription");
    String kind = subscription.getString("kind");
    boolean webPush = "webpush".equals(kind);
    String endpoint = webPush ? subscription.getString("endpoint") : subscription.getString("url");
    JsonObject keys = subscription.getJsonObject("keys", new JsonObject());
    String pushkey = subscription.getString("pushkey");
    byte[] target = sha256(kind + "\n" + endpoint + "\n" + (webPush ? "" : pushkey));
    return pool.withTransaction(connection -> connection.preparedQuery(UPSERT)
        .execute(Tuple.of(userId, kind, endpoint, keys.getString("p256dh"), keys.getString("auth"), pushkey,
            subscription.getString("appId"), Buffer.buffer(target), System.currentTimeMillis()))
        .compose(upserted -> connection.preparedQuery(TRIM).execute(Tuple.of(userId, userId, maxPerUser))
            .map(trimmed -> new JsonObject()
                .put("id", String.valueOf((Long) upserted.property(MySQLClient.LAST_INSERTED_ID)))
                // MySQL counts 1 for an insert, 2 for an update of the duplicate (0 when nothing changed).
                .put("created", upserted.rowCount() == 1))));
  }

  private Future<JsonObject> ofUser(JsonObject request, boolean withKeys) {
    long userId = Ids.parse(request.getString("userId"), "user");
    return pool.preparedQuery(OF_USER).execute(Tuple.of(userId)).map(rows -> {
      JsonArray subscriptions = new JsonArray();
      rows.forEach(row -> subscriptions.add(toJson(row, withKeys)));
      return new JsonObject().put("subscriptions", subscriptions);
    });
  }

  private Future<JsonObject> unsubscribe(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    long id = subscriptionId(request.getString("id"));
    return pool.preparedQuery(DELETE_MINE).execute(Tuple.of(userId, id)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw new ParleyException(ErrorCode.NOT_FOUND, "no such push subscription");
      }
      return new JsonObject().put("deleted", true);
    });
  }

  private Future<JsonObject> remove(JsonObject request) {
    JsonArray ids = request.getJsonArray("ids", new JsonArray());
    if (ids.isEmpty()) {
      return Future.succeededFuture(new JsonObject().put("removed", 0));
    }
    Tuple args = Tuple.tuple();
    ids.forEach(id -> args.addLong(subscriptionId(String.valueOf(id))));
    return pool.preparedQuery(DELETE.formatted(SendBatcher.placeholders(ids.size(), 1))).execute(args)
        .map(rows -> new JsonObject().put("removed", rows.rowCount()));
  }

  private static JsonObject toJson(Row row, boolean withKeys) {
    JsonObject json = new JsonObject().put("id", String.valueOf(row.getLong("id"))).put("kind", row.getString("kind"));
    if ("webpush".equals(row.getString("kind"))) {
      json.put("endpoint", row.getString("endpoint"));
      if (withKeys) {
        json.put("keys", new JsonObject().put("p256dh", row.getString("p256dh")).put("auth", row.getString("auth")));
      }
    } else {
      json.put("url", row.getString("endpoint")).put("pushkey", row.getString("pushkey"))
          .put("appId", row.getString("app_id"));
    }
    return json.put("createdAt", row.getLong("created_at"));
  }

  private static long subscriptionId(String text) {
    try {
      long id = Long.parseLong(text);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException notANumber) {
      // answered below
    }
    throw new ParleyException(ErrorCode.NOT_FOUND, "no such push subscription");
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
