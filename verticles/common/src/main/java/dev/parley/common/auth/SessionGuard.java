package dev.parley.common.auth;

import dev.parley.common.Settings;
import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers "is login session {@code sid} still active" for every authenticated request, fast, on every node.
 *
 * <p>Three layers, checked in order:
 * <ol>
 *   <li>a bounded local cache (per verticle instance, event-loop confined). Revocations arrive on the clustered
 *       broadcast {@link Addresses#SESSION_REVOKED} and mark the session revoked at once; a revoked entry is
 *       never replaced by an "active" answer that was in flight, and "active" entries expire after
 *       {@code auth.sessionCache.localSeconds}, which bounds staleness if a broadcast is ever missed;</li>
 *   <li>Redis ({@code <prefix>session:<sid>} = "1" active / "0" revoked). "Active" is written only with NX for
 *       {@code auth.sessionCache.redisSeconds}, "revoked" overwrites and lives as long as any access token of the
 *       session could (access TTL + clock skew);</li>
 *   <li>MySQL through {@link Addresses#ACCOUNTS_SESSION_STATUS}, the authority, when Redis has nothing (flushed,
 *       evicted, down).</li>
 * </ol>
 * Redis is only a cache: when it fails or forgets, answers come from MySQL and revoked sessions stay revoked.
 *
 * <p>Revocation ({@link #revoke}) writes MySQL first, then Redis, then publishes. The socket verticle registers
 * its own consumer on {@link Addresses#SESSION_REVOKED} to close the session's sockets.
 */
public final class SessionGuard {

  private static final Logger LOG = LoggerFactory.getLogger(SessionGuard.class);
  private static final String REVOKED_HERE = "parley.sessions.revoked.here";

  /** Cache tuning; see {@link #options(Settings)}. */
  public record Options(long localActiveMillis, long redisActiveSeconds, long revokedSeconds, int maxEntries,
      long requestTimeoutMs) {
  }

  private record Entry(boolean active, long until) {
  }

  private final Vertx vertx;
  private final RedisAPI redis;
  private final String keyPrefix;
  private final Options options;
  private final ServiceRequests requests;
  private final Map<String, Entry> cache;
  private final Map<String, Future<Boolean>> inFlight = new HashMap<>();
  private MessageConsumer<JsonObject> revocations;

  public SessionGuard(Vertx vertx, RedisAPI redis, String keyPrefix, Options options) {
    this.vertx = vertx;
    this.redis = redis;
    this.keyPrefix = keyPrefix;
    this.options = options;
    this.requests = new ServiceRequests(vertx, options.requestTimeoutMs());
    int max = options.maxEntries();
    this.cache = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > max;
      }
    };
  }

  /**
   * From {@code auth.sessionCache.{localSeconds, redisSeconds, maxEntries}}, {@code auth.accessTtlSeconds} and
   * {@code auth.clockSkewSeconds}.
   */
  public static Options options(Settings settings) {
    long accessTtl = settings.integer("auth.accessTtlSeconds", 900);
    long skew = settings.integer("auth.clockSkewSeconds", 30);
    return new Options(
        settings.integer("auth.sessionCache.localSeconds", 10) * 1000L,
        settings.integer("auth.sessionCache.redisSeconds", 60),
        accessTtl + skew,
        settings.integer("auth.sessionCache.maxEntries", 100_000),
        settings.integer("auth.sessionCache.requestTimeoutMs", 5000));
  }

  /** Starts listening to revocations; call from the owning verticle's start(). */
  public Future<Void> start() {
    revocations = vertx.eventBus().consumer(Addresses.SESSION_REVOKED, message -> {
      String sessionId = message.body() == null ? null : message.body().getString("sessionId");
      if (sessionId != null) {
        remember(sessionId, false);
        markRevokedOnThisNode(sessionId);
      }
    });
    return revocations.completion();
  }

  public Future<Void> stop() {
    return revocations == null ? Future.succeededFuture() : revocations.unregister();
  }

  /** True while the session is active; fails (503 unavailable) only when neither Redis nor MySQL can answer. */
  public Future<Boolean> isActive(String sessionId) {
    if (revokedOnThisNode(sessionId)) {
      return Future.succeededFuture(false);
    }
    Entry known = cache.get(sessionId);
    if (known != null && known.until() > System.currentTimeMillis()) {
      return Future.succeededFuture(known.active());
    }
    Future<Boolean> pending = inFlight.get(sessionId);
    if (pending != null) {
      return pending;
    }
    Future<Boolean> lookup = fromRedis(sessionId)
        .compose(cached -> cached != null ? Future.succeededFuture(cached) : fromMysql(sessionId))
        .map(active -> remember(sessionId, active));
    inFlight.put(sessionId, lookup);
    lookup.onComplete(done -> inFlight.remove(sessionId));
    return lookup;
  }

  /** Revokes a session everywhere: MySQL (the authority), then Redis and the cluster-wide broadcast. */
  public Future<Void> revoke(String sessionId) {
    // Revoking twice is revoking once.
    return requests.<JsonObject>idempotent(Addresses.ACCOUNTS_REVOKE_SESSION, null,
            new JsonObject().put("sessionId", sessionId))
        .compose(reply -> announceRevoked(sessionId, reply.getString("userId")));
  }

  /**
   * Tells Redis and every node that a session MySQL already revoked is gone (used after refresh-token reuse,
   * which persistence revokes in the same transaction that detects it).
   */
  public Future<Void> announceRevoked(String sessionId, String userId) {
    remember(sessionId, false);
    markRevokedOnThisNode(sessionId);
    return redis.set(List.of(key(sessionId), "0", "EX", String.valueOf(options.revokedSeconds())))
        .<Void>mapEmpty()
        .recover(failure -> {
          LOG.warn("could not mark a revoked session in redis ({}); nodes fall back to the broadcast and mysql",
              failure.getMessage());
          return Future.succeededFuture();
        })
        .onComplete(done -> vertx.eventBus().publish(Addresses.SESSION_REVOKED,
            new JsonObject().put("sessionId", sessionId).put("userId", userId)));
  }

  /**
   * Revocations this node knows of, shared by all its verticle instances (a local map is one per JVM): the
   * instance that revoked writes it before answering, so a request that follows the logout on another instance
   * of the same node is refused at once instead of after the broadcast reaches that instance.
   */
  private LocalMap<String, Long> revokedHere() {
    return vertx.sharedData().getLocalMap(REVOKED_HERE);
  }

  private boolean revokedOnThisNode(String sessionId) {
    Long until = revokedHere().get(sessionId);
    if (until == null) {
      return false;
    }
    if (until < System.currentTimeMillis()) {
      revokedHere().remove(sessionId);
      return false;
    }
    return true;
  }

  private void markRevokedOnThisNode(String sessionId) {
    LocalMap<String, Long> revoked = revokedHere();
    long now = System.currentTimeMillis();
    if (revoked.size() >= options.maxEntries()) {
      revoked.keySet().forEach(key -> {
        Long until = revoked.get(key);
        if (until != null && until < now) {
          revoked.remove(key);
        }
      });
    }
    revoked.put(sessionId, now + options.revokedSeconds() * 1000);
  }

  /** Locally known entries (for tests and metrics). */
  public int cachedEntries() {
    return cache.size();
  }

  private boolean remember(String sessionId, boolean active) {
    long now = System.currentTimeMillis();
    Entry known = cache.get(sessionId);
    if (active && known != null && !known.active() && known.until() > now) {
      // A revocation arrived while this answer was in flight: revoked wins.
      return false;
    }
    long until = now + (active ? options.localActiveMillis() : options.revokedSeconds() * 1000);
    cache.put(sessionId, new Entry(active, until));
    return active;
  }

  /** "1" / "0" from Redis, or null when Redis has nothing or does not answer. */
  private Future<Boolean> fromRedis(String sessionId) {
    return redis.get(key(sessionId))
        .map(SessionGuard::parse)
        .recover(failure -> {
          LOG.debug("session cache lookup in redis failed: {}", failure.getMessage());
          return Future.succeededFuture(null);
        });
  }

  private static Boolean parse(Response response) {
    if (response == null) {
      return null;
    }
    String value = response.toString();
    return "1".equals(value) ? Boolean.TRUE : "0".equals(value) ? Boolean.FALSE : null;
  }

  private Future<Boolean> fromMysql(String sessionId) {
    return requests.<JsonObject>idempotent(Addresses.ACCOUNTS_SESSION_STATUS, null,
            new JsonObject().put("sessionId", sessionId))
        .recover(failure -> {
          ParleyException error = (ParleyException) failure;
          return Future.failedFuture(error.code() == ErrorCode.INTERNAL
              ? ParleyException.unavailable("session store temporarily unavailable, retry") : error);
        })
        .compose(reply -> {
          boolean active = reply.getBoolean("active", false);
          List<String> set = active
              ? List.of(key(sessionId), "1", "EX", String.valueOf(options.redisActiveSeconds()), "NX")
              : List.of(key(sessionId), "0", "EX", String.valueOf(options.revokedSeconds()));
          return redis.set(set)
              .map(active)
              .recover(failure -> Future.succeededFuture(active));
        });
  }

  private String key(String sessionId) {
    return keyPrefix + "session:" + sessionId;
  }
}
