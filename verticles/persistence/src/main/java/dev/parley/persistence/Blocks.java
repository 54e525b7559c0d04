package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * The user_blocks table on shard 0, next to users: a user who blocked another cannot be put in a new direct
 * room or added to a room by them, and is not shown to them as online. Rooms they already share keep working.
 * Checked before the room's transaction (like usernames): a block is the blocker's own choice, not a role.
 */
final class Blocks {

  private static final String BLOCKED = "SELECT 1 FROM user_blocks WHERE user_id = ? AND blocked_id = ?";
  private static final String BLOCK = "INSERT IGNORE INTO user_blocks (user_id, blocked_id, created_at) VALUES (?, ?, ?)";
  private static final String UNBLOCK = "DELETE FROM user_blocks WHERE user_id = ? AND blocked_id = ?";
  private static final String LIST = """
      SELECT b.blocked_id, b.created_at, u.username FROM user_blocks b JOIN users u ON u.id = b.blocked_id
      WHERE b.user_id = ? ORDER BY b.created_at DESC LIMIT 1000""";

  private final Pool users;
  private final Usernames usernames;

  Blocks(Pool users, Usernames usernames) {
    this.users = users;
    this.usernames = usernames;
  }

  /** Whether {@code blockerId} blocked {@code blockedId}. */
  Future<Boolean> blocked(long blockerId, long blockedId) {
    return users.preparedQuery(BLOCKED).execute(Tuple.of(blockerId, blockedId)).map(rows -> rows.size() > 0);
  }

  /** Fails 403 when {@code blockerId} blocked {@code actorId}: the actor may not put them in a room. */
  Future<Void> requireNotBlockedBy(long blockerId, long actorId) {
    return blocked(blockerId, actorId).map(blocked -> {
      if (blocked) {
        throw new ParleyException(ErrorCode.FORBIDDEN, "this user does not accept that from you", "userId");
      }
      return null;
    });
  }

  /** {@code {userId, blockedId}} -> {@code {changed}}: blocking twice is blocking once. */
  Future<JsonObject> block(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    long blockedId = Ids.parse(request.getString("blockedId"), "user");
    if (userId == blockedId) {
      throw ParleyException.badRequest("userId", "you cannot block yourself");
    }
    return usernames.require(java.util.Set.of(blockedId), "userId")
        .compose(found -> users.preparedQuery(BLOCK).execute(Tuple.of(userId, blockedId, System.currentTimeMillis())))
        .map(inserted -> new JsonObject().put("changed", inserted.rowCount() > 0));
  }

  /** {@code {userId, blockedId}} -> {@code {changed}}. */
  Future<JsonObject> unblock(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    long blockedId = Ids.parse(request.getString("blockedId"), "user");
    return users.preparedQuery(UNBLOCK).execute(Tuple.of(userId, blockedId))
        .map(deleted -> new JsonObject().put("changed", deleted.rowCount() > 0));
  }

  /** {@code {userId}} -> {@code {blocks: [{userId, username, createdAt}]}}, newest first. */
  Future<JsonObject> list(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    return users.preparedQuery(LIST).execute(Tuple.of(userId)).map(rows -> {
      JsonArray blocks = new JsonArray();
      rows.forEach(row -> blocks.add(new JsonObject().put("userId", String.valueOf(row.getLong("blocked_id")))
          .put("username", row.getString("username")).put("createdAt", row.getLong("created_at"))));
      return new JsonObject().put("blocks", blocks);
    });
  }
}
