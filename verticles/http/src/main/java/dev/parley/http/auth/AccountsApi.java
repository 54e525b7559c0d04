package dev.parley.http.auth;

import dev.parley.common.RedisSupport;
import dev.parley.common.Settings;
import dev.parley.common.TrustedProxies;
import dev.parley.common.auth.AccessTokens;
import dev.parley.common.auth.BotTokens;
import dev.parley.common.auth.TokenAuthenticator;
import dev.parley.common.auth.SessionGuard;
import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.http.auth.RateLimiter.Hit;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Accounts part of the contract: {@code /auth/register}, {@code /auth/login}, {@code /auth/refresh},
 * {@code /auth/logout}, {@code /users/me} and {@code /users?q=}, plus the authentication handler every later
 * route sits behind. Data lives behind the persistence verticle (event bus only); this class hashes passwords
 * (off the event loop), signs tokens and applies the rate limits.
 *
 * <p>Use from the HTTP verticle: {@link #mountPublic}, then {@code api.route().handler(accounts::authenticate)},
 * then {@link #mountProtected}; {@link #start()} before listening, {@link #stop()} on undeploy.
 */
public final class AccountsApi {

  private static final Logger LOG = LoggerFactory.getLogger(AccountsApi.class);
  private static final String BAD_CREDENTIALS = "invalid username or password";

  private final Vertx vertx;
  private final Settings settings;
  private final AuthConfig config;
  private final TrustedProxies proxies;
  private final ServiceRequests requests;
  private final PasswordHasher hasher;
  private Redis redis;
  private RateLimiter limiter;
  private HashingPool pool;
  private SessionGuard guard;
  private AccessTokens verifier;
  private TokenAuthenticator authenticator;
  private TokenIssuer issuer;
  /** Verified against when a username is unknown, so that unknown and wrong take the same time. */
  private String dummyHash;

  /** Reads the {@code auth} section; a missing or invalid key throws a ConfigException naming it. */
  public AccountsApi(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.config = AuthConfig.from(settings);
    this.proxies = TrustedProxies.from(settings);
    this.hasher = new PasswordHasher(config.argon2());
    this.requests = new ServiceRequests(vertx, 10_000);
  }

  /** Loads the keys (the node refuses to start without them), connects Redis, listens to revocations. */
  public Future<Void> start() {
    if (!config.argon2().atLeastOwasp()) {
      LOG.warn("auth.argon2 is below the OWASP minimum (m=19456 KiB, t=2): m={} KiB, t={}",
          config.argon2().memoryKiB(), config.argon2().iterations());
    }
    redis = RedisSupport.client(vertx, settings);
    RedisAPI api = RedisAPI.api(redis);
    String prefix = RedisSupport.keyPrefix(settings);
    limiter = new RateLimiter(api, prefix);
    pool = new HashingPool(vertx, config.argon2Threads(), config.argon2MaxPending());
    guard = new SessionGuard(vertx, api, prefix, SessionGuard.options(settings));
    return AccessTokens.load(vertx, settings)
        .compose(tokens -> {
          verifier = tokens;
          authenticator = new TokenAuthenticator(tokens, new BotTokens(vertx, 10_000), guard);
          return TokenIssuer.load(vertx, config, tokens);
        })
        .compose(signer -> {
          issuer = signer;
          return pool.run(() -> hasher.hash(RefreshTokens.generate()));
        })
        .compose(dummy -> {
          dummyHash = dummy;
          return guard.start();
        })
        .recover(failure -> stop().transform(stopped -> Future.failedFuture(failure)));
  }

  public Future<Void> stop() {
    Future<Void> guardStopped = guard == null ? Future.succeededFuture() : guard.stop();
    return guardStopped
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close())
        .eventually(() -> {
          if (redis != null) {
            redis.close();
          }
          return Future.succeededFuture();
        });
  }

  /** The routes that need no access token. */
  public void mountPublic(Router api) {
    api.post("/auth/register").handler(this::register);
    api.post("/auth/login").handler(this::login);
    api.post("/auth/refresh").handler(this::refresh);
  }

  /** The routes behind {@link #authenticate}. */
  public void mountProtected(Router api) {
    api.post("/auth/logout").handler(this::logout);
    api.get("/users/me").handler(this::me);
    api.get("/users").handler(this::searchUsers);
  }

  /**
   * Authentication for every route after it: a valid ES256 access token or bot API token
   * ({@code Authorization: Bearer}, {@link TokenAuthenticator}) of a session that is still active, else 401. Puts the caller's {@link Principal} on the context.
   */
  public void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || header.length() <= 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      unauthorized(ctx, new ParleyException(ErrorCode.UNAUTHORIZED, "missing bearer token"));
      return;
    }
    authenticator.authenticate(header.substring(7).trim()).onComplete(checked -> {
      if (checked.failed()) {
        ParleyException error = checked.cause() instanceof ParleyException parley ? parley : null;
        if (error != null && error.code() == ErrorCode.UNAUTHORIZED) {
          unauthorized(ctx, error);
        } else {
          fail(ctx, checked.cause());
        }
      } else {
        AccessTokens.Claims claims = checked.result();
        ctx.put(Principal.KEY, new Principal(claims.userId(), claims.sessionId(), claims.username(), claims.bot()));
        ctx.next();
      }
    });
  }

  /**
   * Tells Redis and every node that persistence revoked this session (deactivation): its requests get 401 and
   * its sockets close with 4401 on every node.
   */
  public Future<Void> announceRevoked(String sessionId, String userId) {
    return guard.announceRevoked(sessionId, userId);
  }

  /** The session guard, for routes that revoke sessions (bots). */
  public SessionGuard guard() {
    return guard;
  }

  /** The verifier, for tests and for other routes of this verticle. */
  public AccessTokens verifier() {
    return verifier;
  }

  // --- handlers --------------------------------------------------------------------------------------------

  private void register(RoutingContext ctx) {
    JsonObject body = AuthRequests.body(ctx);
    String username = AuthRequests.username(body);
    String password = AuthRequests.password(body);
    String displayName = AuthRequests.displayName(body, username);
    String ip = clientIp(ctx);
    limit(ctx, new Hit(config.registerPerIp(), ip),
        new Hit(config.registerPerUsername(), AuthRequests.lower(username)))
        .compose(allowed -> pool.run(() -> hasher.hash(password)))
        .compose(hash -> {
          NewSession session = newSession();
          JsonObject request = new JsonObject()
              .put("username", username)
              .put("displayName", displayName)
              .put("passwordHash", hash)
              .put("sessionId", session.id())
              .put("refreshTokenHash", RefreshTokens.hash(session.refreshToken()))
              .put("refreshExpiresAt", session.refreshExpiresAt());
          return requests.<JsonObject>request(Addresses.ACCOUNTS_REGISTER, null, request)
              .map(reply -> tokens(reply.getJsonObject("user"), session.id(), session.refreshToken()));
        })
        .onSuccess(response -> send(ctx, 201, response))
        .onFailure(failure -> fail(ctx, failure));
  }

  private void login(RoutingContext ctx) {
    JsonObject body = AuthRequests.body(ctx);
    String username = AuthRequests.username(body);
    String password = AuthRequests.password(body);
    String ip = clientIp(ctx);
    String lower = AuthRequests.lower(username);
    // Guessing is limited per (username, address); the per-username ceiling is far higher, so that guesses
    // from many addresses do not lock the real user out from theirs (issue 18).
    limit(ctx, new Hit(config.loginPerIp(), ip), new Hit(config.loginPerUsernameAndIp(), lower + "@" + ip),
        new Hit(config.loginPerUsername(), lower))
        .compose(allowed -> requests.<JsonObject>idempotent(Addresses.ACCOUNTS_CREDENTIALS, null,
            new JsonObject().put("username", username)))
        .compose(account -> {
          boolean found = account.getBoolean("found", false);
          String hash = found ? account.getString("passwordHash") : dummyHash;
          // The same work whether or not the user exists: one Argon2 verification.
          return pool.run(() -> hasher.verify(password, hash)).compose(matches -> found && matches
              ? Future.succeededFuture(account.getJsonObject("user"))
              : Future.failedFuture(new ParleyException(ErrorCode.UNAUTHORIZED, BAD_CREDENTIALS)));
        })
        .compose(user -> {
          NewSession session = newSession();
          JsonObject request = new JsonObject()
              .put("userId", user.getString("id"))
              .put("sessionId", session.id())
              .put("refreshTokenHash", RefreshTokens.hash(session.refreshToken()))
              .put("refreshExpiresAt", session.refreshExpiresAt());
          return requests.request(Addresses.ACCOUNTS_OPEN_SESSION, null, request)
              .map(opened -> tokens(user, session.id(), session.refreshToken()));
        })
        .onSuccess(response -> send(ctx, 200, response))
        .onFailure(failure -> fail(ctx, failure));
  }

  private void refresh(RoutingContext ctx) {
    JsonObject body = AuthRequests.body(ctx);
    String presented = AuthRequests.requiredString(body, "refreshToken");
    if (!RefreshTokens.wellFormed(presented)) {
      fail(ctx, new ParleyException(ErrorCode.UNAUTHORIZED, "invalid or expired refresh token"));
      return;
    }
    String next = RefreshTokens.generate();
    JsonObject request = new JsonObject()
        .put("refreshTokenHash", RefreshTokens.hash(presented))
        .put("newRefreshTokenHash", RefreshTokens.hash(next))
        .put("newRefreshExpiresAt", refreshExpiresAt());
    requests.<JsonObject>request(Addresses.ACCOUNTS_REFRESH, null, request)
        .compose(outcome -> {
          String sessionId = outcome.getString("sessionId");
          if ("rotated".equals(outcome.getString("outcome"))) {
            return Future.succeededFuture(tokens(outcome.getJsonObject("user"), sessionId, next));
          }
          // Reuse: persistence revoked the session in the transaction that saw it; tell Redis and every node.
          return guard.announceRevoked(sessionId, outcome.getString("userId"))
              .compose(announced -> Future.failedFuture(new ParleyException(ErrorCode.UNAUTHORIZED,
                  "refresh token was already used; the session has been revoked")));
        })
        .onSuccess(response -> send(ctx, 200, response))
        .onFailure(failure -> fail(ctx, failure));
  }

  private void logout(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    guard.revoke(principal.sessionId())
        .onSuccess(revoked -> ctx.response().setStatusCode(204).end())
        .onFailure(failure -> fail(ctx, failure));
  }

  private void me(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    requests.<JsonObject>idempotent(Addresses.USERS_GET, null, new JsonObject().put("userId", principal.userId()))
        .onSuccess(user -> send(ctx, 200, user))
        .onFailure(failure -> fail(ctx, failure));
  }

  private void searchUsers(RoutingContext ctx) {
    String prefix = AuthRequests.searchPrefix(ctx);
    int limit = AuthRequests.searchLimit(ctx);
    if (!AuthRequests.USERNAME_CHARS.matcher(prefix).matches()) {
      // No username contains such a character.
      send(ctx, 200, new JsonObject().put("users", new JsonArray()));
      return;
    }
    requests.<JsonObject>idempotent(Addresses.USERS_SEARCH, null,
            new JsonObject().put("prefix", prefix).put("limit", limit))
        .onSuccess(users -> send(ctx, 200, users))
        .onFailure(failure -> fail(ctx, failure));
  }

  // --- helpers ---------------------------------------------------------------------------------------------

  private record NewSession(String id, String refreshToken, long refreshExpiresAt) {
  }

  private NewSession newSession() {
    return new NewSession(UUID.randomUUID().toString(), RefreshTokens.generate(), refreshExpiresAt());
  }

  private long refreshExpiresAt() {
    return System.currentTimeMillis() + config.refreshTtlSeconds() * 1000;
  }

  /** {@code {user, accessToken, refreshToken, expiresIn}}. */
  private JsonObject tokens(JsonObject user, String sessionId, String refreshToken) {
    TokenIssuer.Issued access = issuer.issue(user.getString("id"), sessionId, user.getString("username"));
    return new JsonObject()
        .put("user", user)
        .put("accessToken", access.token())
        .put("refreshToken", refreshToken)
        .put("expiresIn", access.expiresIn());
  }

  private Future<Void> limit(RoutingContext ctx, Hit... hits) {
    return limiter.hit(hits).compose(decision -> {
      if (decision.allowed()) {
        return Future.succeededFuture();
      }
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(decision.retryAfterSeconds()));
      return Future.failedFuture(new ParleyException(ErrorCode.RATE_LIMITED, "too many attempts, retry later"));
    });
  }

  private String clientIp(RoutingContext ctx) {
    String address = proxies.client(ctx.request().remoteAddress(), ctx.request().getHeader("X-Forwarded-For"));
    return address == null ? "unknown" : address;
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }

  private static void unauthorized(RoutingContext ctx, ParleyException error) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    ctx.fail(error);
  }

  private static void fail(RoutingContext ctx, Throwable failure) {
    ParleyException error = ParleyException.from(failure);
    if (error.code() == ErrorCode.UNAVAILABLE && ctx.response().headers().get(HttpHeaders.RETRY_AFTER) == null) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
    }
    ctx.fail(failure);
  }
}
