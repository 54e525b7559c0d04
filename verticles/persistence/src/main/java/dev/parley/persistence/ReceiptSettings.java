package dev.parley.persistence;

import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The caller's own settings (an extension of CONTRACT.md v1.1, issue 13): {@code shareReadReceipts}, whether the
 * user is listed in others' read receipts ({@code GET .../readers}, and so the page's "seen by"). Stored with the
 * user on shard 0 ({@code users.share_receipts}, V011); {@link ReceiptStore} leaves out those who turned it off,
 * and their REST reads announce no {@code read} event ({@link MessageStore}); v1's WebSocket {@code read} frame
 * still announces, as v1 says.
 */
final class ReceiptSettings {

  private static final String GET = "SELECT share_receipts FROM users WHERE id = ?";
  private static final String SET = "UPDATE users SET share_receipts = ? WHERE id = ?";
  private static final String HIDING = "SELECT id FROM users WHERE share_receipts = FALSE AND id IN (%s)";

  private final Pool users;

  ReceiptSettings(Shards shards) {
    this.users = shards.global().pool();
  }

  Map<String, Function<JsonObject, Future<?>>> actions() {
    return Map.of(RoomActions.SETTINGS, this::get, RoomActions.UPDATE_SETTINGS, this::update);
  }

  /** {@code {userId}} -> {@code {shareReadReceipts}}. */
  private Future<JsonObject> get(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    return users.preparedQuery(GET).execute(Tuple.of(userId)).map(rows -> {
      Row row = rows.iterator().hasNext() ? rows.iterator().next() : null;
      return new JsonObject().put("shareReadReceipts", row == null || row.getBoolean("share_receipts"));
    });
  }

  /** {@code {userId, shareReadReceipts?}} -> the settings after the change. */
  private Future<JsonObject> update(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    Object share = request.getValue("shareReadReceipts");
    if (!(share instanceof Boolean)) {
      throw ParleyException.badRequest("shareReadReceipts", "shareReadReceipts must be true or false");
    }
    return users.preparedQuery(SET).execute(Tuple.of(share, userId)).compose(updated -> get(request));
  }

  /** Those of {@code userIds} who do not share their read receipts. */
  static Future<Set<Long>> hiding(Shards shards, Collection<Long> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    Tuple args = Tuple.tuple();
    userIds.forEach(args::addLong);
    return shards.global().pool().preparedQuery(HIDING.formatted(SendBatcher.placeholders(userIds.size(), 1)))
        .execute(args).map(rows -> {
          Set<Long> hidden = new HashSet<>();
          rows.forEach(row -> hidden.add(row.getLong("id")));
          return hidden;
        });
  }
}
