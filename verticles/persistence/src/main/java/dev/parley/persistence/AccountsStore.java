package dev.parley.persistence;

import dev.parley.common.Replies;
import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLClient;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts tables: users, auth_sessions (one row per login; the JWT "sid") and refresh_tokens (SHA-256 of the
 * opaque token, single use). Every SQL statement of accounts is here. Invariants live in the database:
 * usernames are unique case-insensitively through the unique key on username_lower (a duplicate is reported as
 * 409 from MySQL's error 1062, never by checking first), and a refresh token is consumed by a conditional
 * UPDATE whose affected-row count decides which of two concurrent refreshes wins.
 *
 * <p>This store never sees a password, only its Argon2id hash, and never a refresh token, only its hash.
 */
final class AccountsStore {

  private static final Logger LOG = LoggerFactory.getLogger(AccountsStore.class);
  /** MySQL's "Duplicate entry" error. */
  private static final int ER_DUP_ENTRY = 1062;

  static final String INSERT_USER = """
      INSERT INTO users (username, username_lower, display_name, password_hash, created_at)
      VALUES (?, ?, ?, ?, ?)""";
  static final String INSERT_SESSION = "INSERT INTO auth_sessions (id, user_id, created_at) VALUES (?, ?, ?)";
  static final String INSERT_REFRESH_TOKEN = """
      INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES (?, ?, ?, ?)""";
  static final String CREDENTIALS = """
      SELECT id, username, display_name, password_hash FROM users WHERE username_lower = ?""";
  /** The token, its session and user, read before the token is consumed. */
  static final String REFRESH_TOKEN = """
      SELECT t.session_id, t.used_at, t.expires_at, s.user_id, s.revoked_at, u.username, u.display_name,
        u.deactivated_at
      FROM refresh_tokens t
      JOIN auth_sessions s ON s.id = t.session_id
      JOIN users u ON u.id = s.user_id
      WHERE t.token_hash = ?""";
  /** Consumes a refresh token; 1 affected row for exactly one caller, even when two race. */
  static final String USE_REFRESH_TOKEN =
      "UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL";
  static final String REVOKE_SESSION = "UPDATE auth_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
  static final String SESSION = "SELECT user_id, revoked_at FROM auth_sessions WHERE id = ?";
  static final String USER_BY_ID = "SELECT u.id, u.username, u.display_name, b.user_id AS bot_id FROM users u"
      + " LEFT JOIN bots b ON b.user_id = u.id WHERE u.id = ?";
  /** Under the user's row lock, which deactivation takes too: no session opens for a deactivated user. */
  static final String LOCK_ACTIVE_USER = "SELECT deactivated_at FROM users WHERE id = ? FOR UPDATE";
  /** Prefix search on the unique index of username_lower; '!' escapes LIKE wildcards. */
  static final String USERS_BY_PREFIX = """
      SELECT u.id, u.username, u.display_name, b.user_id AS bot_id FROM users u
      LEFT JOIN bots b ON b.user_id = u.id
      WHERE u.username_lower LIKE ? ESCAPE '!'
      ORDER BY u.username_lower
      LIMIT ?""";

  static final int MAX_SEARCH_LIMIT = 50;

  private final Vertx vertx;
  private final Pool pool;

  AccountsStore(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Registers the accounts addresses; completes when every consumer is registered cluster-wide. */
  Future<?> register() {
    List<MessageConsumer<JsonObject>> consumers = List.of(
        consume(Addresses.ACCOUNTS_REGISTER, this::registerUser),
        consume(Addresses.ACCOUNTS_CREDENTIALS, this::credentials),
        consume(Addresses.ACCOUNTS_OPEN_SESSION, this::openSession),
        consume(Addresses.ACCOUNTS_REFRESH, this::refresh),
        consume(Addresses.ACCOUNTS_REVOKE_SESSION, this::revokeSession),
        consume(Addresses.ACCOUNTS_SESSION_STATUS, this::sessionStatus),
        consume(Addresses.USERS_GET, this::user),
        consume(Addresses.USERS_SEARCH, this::searchUsers));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  private MessageConsumer<JsonObject> consume(String address, Function<JsonObject, Future<JsonObject>> operation) {
    return vertx.eventBus().consumer(address,
        (Message<JsonObject> request) -> Replies.answer(request, operation, AccountsStore::toClient));
  }

  // --- operations ------------------------------------------------------------------------------------------

  private Future<JsonObject> registerUser(JsonObject body) {
    String username = required(body, "username");
    String displayName = required(body, "displayName");
    String passwordHash = required(body, "passwordHash");
    String sessionId = required(body, "sessionId");
    String refreshHash = required(body, "refreshTokenHash");
    long refreshExpiresAt = requiredLong(body, "refreshExpiresAt");
    long now = System.currentTimeMillis();
    return pool.withTransaction(connection -> connection.preparedQuery(INSERT_USER)
            .execute(Tuple.of(username, lower(username), displayName, passwordHash, now))
            .compose(inserted -> {
              long userId = inserted.property(MySQLClient.LAST_INSERTED_ID);
              return insertSession(connection, userId, sessionId, refreshHash, refreshExpiresAt, now)
                  .map(done -> new JsonObject().put("user", userJson(userId, username, displayName)));
            }))
        .recover(failure -> {
          if (failure instanceof MySQLException sql && sql.getErrorCode() == ER_DUP_ENTRY) {
            // The only unique key a new user can hit is the username's (session ids are random UUIDs).
            return Future.failedFuture(new ParleyException(ErrorCode.CONFLICT, "username is already taken", "username"));
          }
          return Future.failedFuture(failure);
        });
  }

  private Future<JsonObject> credentials(JsonObject body) {
    String username = required(body, "username");
    return pool.preparedQuery(CREDENTIALS).execute(Tuple.of(lower(username))).map(rows -> {
      if (rows.size() == 0) {
        return new JsonObject().put("found", false);
      }
      Row row = rows.iterator().next();
      return new JsonObject()
          .put("found", true)
          .put("user", userJson(row))
          .put("passwordHash", row.getString("password_hash"));
    });
  }

  private Future<JsonObject> openSession(JsonObject body) {
    long userId = parseId(required(body, "userId"), "userId");
    String sessionId = required(body, "sessionId");
    String refreshHash = required(body, "refreshTokenHash");
    long refreshExpiresAt = requiredLong(body, "refreshExpiresAt");
    long now = System.currentTimeMillis();
    return pool.withTransaction(connection -> connection.preparedQuery(LOCK_ACTIVE_USER).execute(Tuple.of(userId))
        .compose(rows -> {
          if (rows.size() > 0 && rows.iterator().next().getLong("deactivated_at") != null) {
            return Future.failedFuture(new ParleyException(ErrorCode.FORBIDDEN, "this account is deactivated"));
          }
          return insertSession(connection, userId, sessionId, refreshHash, refreshExpiresAt, now);
        }))
        .map(done -> new JsonObject());
  }

  /**
   * Single use, rotation and reuse detection in one transaction. The conditional UPDATE re-reads the newest
   * committed row under its lock, so of two refreshes with the same token exactly one gets 1 affected row; the
   * other one (like any later replay) finds it used and revokes the whole session, as the contract requires.
   */
  private Future<JsonObject> refresh(JsonObject body) {
    String tokenHash = required(body, "refreshTokenHash");
    String newHash = required(body, "newRefreshTokenHash");
    long newExpiresAt = requiredLong(body, "newRefreshExpiresAt");
    long now = System.currentTimeMillis();
    return pool.withTransaction(connection -> connection.preparedQuery(REFRESH_TOKEN).execute(Tuple.of(tokenHash))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(invalidRefreshToken());
          }
          Row token = rows.iterator().next();
          String sessionId = token.getString("session_id");
          long userId = token.getLong("user_id");
          if (token.getLong("revoked_at") != null || token.getLong("expires_at") <= now
              || token.getLong("deactivated_at") != null) {
            return Future.failedFuture(invalidRefreshToken());
          }
          if (token.getLong("used_at") != null) {
            return reused(connection, sessionId, userId, now);
          }
          return connection.preparedQuery(USE_REFRESH_TOKEN).execute(Tuple.of(now, tokenHash)).compose(used -> {
            if (used.rowCount() != 1) {
              return reused(connection, sessionId, userId, now);
            }
            return connection.preparedQuery(INSERT_REFRESH_TOKEN)
                .execute(Tuple.of(newHash, sessionId, now, newExpiresAt))
                .map(inserted -> new JsonObject()
                    .put("outcome", "rotated")
                    .put("sessionId", sessionId)
                    .put("user", userJson(userId, token.getString("username"), token.getString("display_name"))));
          });
        }));
  }

  private Future<JsonObject> reused(SqlConnection connection, String sessionId, long userId, long now) {
    return connection.preparedQuery(REVOKE_SESSION).execute(Tuple.of(now, sessionId)).map(revoked -> {
      LOG.warn("refresh token reuse: revoked login session of user {}", userId);
      return new JsonObject().put("outcome", "reused").put("sessionId", sessionId).put("userId", String.valueOf(userId));
    });
  }

  private Future<JsonObject> revokeSession(JsonObject body) {
    String sessionId = required(body, "sessionId");
    long now = System.currentTimeMillis();
    return pool.withTransaction(connection -> connection.preparedQuery(REVOKE_SESSION)
        .execute(Tuple.of(now, sessionId))
        .compose(revoked -> connection.preparedQuery(SESSION).execute(Tuple.of(sessionId)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new ParleyException(ErrorCode.NOT_FOUND, "no such session"));
          }
          return Future.succeededFuture(new JsonObject()
              .put("sessionId", sessionId)
              .put("userId", String.valueOf(rows.iterator().next().getLong("user_id")))
              .put("revoked", revoked.rowCount() == 1));
        })));
  }

  private Future<JsonObject> sessionStatus(JsonObject body) {
    String sessionId = required(body, "sessionId");
    return pool.preparedQuery(SESSION).execute(Tuple.of(sessionId)).map(rows -> {
      JsonObject status = new JsonObject().put("sessionId", sessionId);
      if (rows.size() == 0) {
        return status.put("active", false);
      }
      Row row = rows.iterator().next();
      return status.put("active", row.getLong("revoked_at") == null)
          .put("userId", String.valueOf(row.getLong("user_id")));
    });
  }

  private Future<JsonObject> user(JsonObject body) {
    long userId = parseId(required(body, "userId"), "userId");
    return pool.preparedQuery(USER_BY_ID).execute(Tuple.of(userId)).compose(rows -> rows.size() == 0
        ? Future.failedFuture(new ParleyException(ErrorCode.NOT_FOUND, "no such user"))
        : Future.succeededFuture(userJson(rows.iterator().next())));
  }

  private Future<JsonObject> searchUsers(JsonObject body) {
    String prefix = lower(body.getString("prefix", ""));
    int limit = Math.max(1, Math.min(MAX_SEARCH_LIMIT, body.getInteger("limit", 20)));
    String pattern = prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    return pool.preparedQuery(USERS_BY_PREFIX).execute(Tuple.of(pattern, limit)).map(rows -> {
      JsonArray users = new JsonArray();
      rows.forEach(row -> users.add(userJson(row)));
      return new JsonObject().put("users", users);
    });
  }

  // --- helpers ---------------------------------------------------------------------------------------------

  private static Future<RowSet<Row>> insertSession(SqlConnection connection, long userId, String sessionId,
      String refreshHash, long refreshExpiresAt, long now) {
    return connection.preparedQuery(INSERT_SESSION).execute(Tuple.of(sessionId, userId, now))
        .compose(session -> connection.preparedQuery(INSERT_REFRESH_TOKEN)
            .execute(Tuple.of(refreshHash, sessionId, now, refreshExpiresAt)));
  }

  /** A user row; bots (a bots row, V010) are marked {@code bot: true}. */
  private static JsonObject userJson(Row row) {
    JsonObject user = userJson(row.getLong("id"), row.getString("username"), row.getString("display_name"));
    return row.getColumnIndex("bot_id") >= 0 && row.getLong("bot_id") != null ? user.put("bot", true) : user;
  }

  private static JsonObject userJson(long id, String username, String displayName) {
    return new JsonObject().put("id", String.valueOf(id)).put("username", username).put("displayName", displayName);
  }

  private static ParleyException invalidRefreshToken() {
    return new ParleyException(ErrorCode.UNAUTHORIZED, "invalid or expired refresh token");
  }

  static String lower(String username) {
    return username.toLowerCase(Locale.ROOT);
  }

  private static String required(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof String value) || value.isEmpty()) {
      throw ParleyException.badRequest(field, field + " is required");
    }
    return value;
  }

  private static long requiredLong(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof Number value)) {
      throw ParleyException.badRequest(field, field + " is required");
    }
    return value.longValue();
  }

  private static long parseId(String id, String field) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException notAnId) {
      throw new ParleyException(ErrorCode.NOT_FOUND, "no such " + field.replace("Id", ""));
    }
  }

  /** Contract errors pass through; a database that is away is 503; anything else is logged and "internal". */
  private static ParleyException toClient(Throwable failure) {
    if (failure instanceof ParleyException parley) {
      return parley;
    }
    if (failure instanceof MySQLException sql) {
      if (List.of(1205, 1213, 1040, 1053, 2006, 2013).contains(sql.getErrorCode())) {
        LOG.warn("accounts: database unavailable: {}", sql.getMessage());
        return ParleyException.unavailable("the database is unavailable, retry");
      }
      LOG.error("accounts: database rejected a statement", failure);
      return new ParleyException(ErrorCode.INTERNAL, "internal error");
    }
    if (failure instanceof VertxException || failure instanceof IOException) {
      LOG.warn("accounts: database unavailable: {}", failure.toString());
      return ParleyException.unavailable("the database is unavailable, retry");
    }
    LOG.error("accounts: unexpected failure", failure);
    return new ParleyException(ErrorCode.INTERNAL, "internal error");
  }
}
