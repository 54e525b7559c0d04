package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.IntegrationActions;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLClient;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.function.Function;

/**
 * Bot accounts and their API tokens, on shard 0 next to the users. A bot is a user with a {@code bots} row naming
 * its owner and no usable password (its password hash is not a PHC string, so every login fails). A token is
 * stored as the SHA-256 of the random token and opens a login session of its own: deleting the bot revokes
 * those sessions, which the caller then announces ({@code SessionGuard.announceRevoked}) to close its sockets.
 */
final class BotStore {

  private static final int ER_DUP_ENTRY = 1062;
  /** Not a PHC string: no password ever matches it. */
  static final String NO_PASSWORD = "!bot";
  private static final String INSERT_BOT = "INSERT INTO bots (user_id, owner_id, kind, created_at) VALUES (?, ?, ?, ?)";
  private static final String INSERT_TOKEN =
      "INSERT INTO bot_tokens (token_hash, bot_id, session_id, created_at) VALUES (?, ?, ?, ?)";
  private static final String MINE = """
      SELECT u.id, u.username, u.display_name, b.created_at FROM bots b JOIN users u ON u.id = b.user_id
      WHERE b.owner_id = ? AND b.kind = 'api' AND b.deleted_at IS NULL ORDER BY b.created_at""";
  private static final String OWNED = "SELECT kind FROM bots WHERE user_id = ? AND owner_id = ? AND deleted_at IS NULL"
      + " FOR UPDATE";
  private static final String SESSIONS = "SELECT session_id FROM bot_tokens WHERE bot_id = ?";
  private static final String DELETE_BOT = "UPDATE bots SET deleted_at = ? WHERE user_id = ?";
  private static final String REVOKE = "UPDATE auth_sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL";
  private static final String TOKEN = """
      SELECT t.bot_id, t.session_id, u.username FROM bot_tokens t
      JOIN bots b ON b.user_id = t.bot_id AND b.deleted_at IS NULL
      JOIN users u ON u.id = t.bot_id
      WHERE t.token_hash = ?""";

  private final Pool pool;

  BotStore(Pool pool) {
    this.pool = pool;
  }

  Map<String, Function<JsonObject, Future<?>>> actions() {
    return Map.of(
        IntegrationActions.CREATE_BOT, this::create,
        IntegrationActions.LIST_BOTS, this::list,
        IntegrationActions.DELETE_BOT, this::delete,
        IntegrationActions.BOT_TOKEN, this::token);
  }

  private Future<JsonObject> create(JsonObject request) {
    long ownerId = Ids.parse(request.getString("userId"), "user");
    String username = request.getString("username");
    String displayName = request.getString("displayName", username);
    String kind = request.getString("kind", "api");
    String tokenHash = request.getString("tokenHash");
    String sessionId = request.getString("sessionId");
    long now = System.currentTimeMillis();
    return pool.withTransaction(connection -> connection.preparedQuery(AccountsStore.INSERT_USER)
            .execute(Tuple.of(username, AccountsStore.lower(username), displayName, NO_PASSWORD, now))
            .compose(inserted -> {
              long botId = inserted.property(MySQLClient.LAST_INSERTED_ID);
              return connection.preparedQuery(INSERT_BOT).execute(Tuple.of(botId, ownerId, kind, now))
                  .compose(bot -> tokenHash == null ? Future.succeededFuture()
                      : insertToken(connection, botId, tokenHash, sessionId, now))
                  .map(done -> new JsonObject().put("bot", new JsonObject().put("id", String.valueOf(botId))
                      .put("username", username).put("displayName", displayName).put("bot", true)));
            }))
        .recover(failure -> failure instanceof MySQLException sql && sql.getErrorCode() == ER_DUP_ENTRY
            ? Future.failedFuture(new ParleyException(ErrorCode.CONFLICT, "username taken", "username"))
            : Future.failedFuture(failure));
  }

  private static Future<?> insertToken(SqlConnection connection, long botId, String tokenHash, String sessionId,
      long now) {
    return connection.preparedQuery(AccountsStore.INSERT_SESSION).execute(Tuple.of(sessionId, botId, now))
        .compose(session -> connection.preparedQuery(INSERT_TOKEN).execute(Tuple.of(tokenHash, botId, sessionId, now)));
  }

  private Future<JsonObject> list(JsonObject request) {
    long ownerId = Ids.parse(request.getString("userId"), "user");
    return pool.preparedQuery(MINE).execute(Tuple.of(ownerId)).map(rows -> {
      JsonArray bots = new JsonArray();
      for (Row row : rows) {
        bots.add(new JsonObject().put("id", String.valueOf(row.getLong("id"))).put("username", row.getString("username"))
            .put("displayName", row.getString("display_name")).put("bot", true)
            .put("createdAt", row.getLong("created_at")));
      }
      return new JsonObject().put("bots", bots);
    });
  }

  /** Deletes the bot and revokes every session of it, in one transaction; answers the sessions to announce. */
  private Future<JsonObject> delete(JsonObject request) {
    long ownerId = Ids.parse(request.getString("userId"), "user");
    long botId = Ids.parse(request.getString("botId"), "bot");
    long now = System.currentTimeMillis();
    return pool.withTransaction(connection -> connection.preparedQuery(OWNED).execute(Tuple.of(botId, ownerId))
        .compose(owned -> owned.size() == 0
            ? Future.failedFuture(new ParleyException(ErrorCode.NOT_FOUND, "no such bot"))
            : connection.preparedQuery(SESSIONS).execute(Tuple.of(botId)))
        .compose(sessions -> connection.preparedQuery(DELETE_BOT).execute(Tuple.of(now, botId))
            .compose(deleted -> connection.preparedQuery(REVOKE).execute(Tuple.of(now, botId)))
            .map(revoked -> {
              JsonArray ids = new JsonArray();
              sessions.forEach(row -> ids.add(row.getString("session_id")));
              return new JsonObject().put("botId", String.valueOf(botId)).put("sessionIds", ids);
            })));
  }

  private Future<JsonObject> token(JsonObject request) {
    return pool.preparedQuery(TOKEN).execute(Tuple.of(request.getString("tokenHash"))).map(rows -> {
      if (rows.size() == 0) {
        return new JsonObject().put("found", false);
      }
      Row row = rows.iterator().next();
      return new JsonObject().put("found", true).put("userId", String.valueOf(row.getLong("bot_id")))
          .put("sessionId", row.getString("session_id")).put("username", row.getString("username"));
    });
  }
}
