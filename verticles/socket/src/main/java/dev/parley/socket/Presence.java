package dev.parley.socket;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.List;

/**
 * Who is online, across nodes, in Redis: per user a sorted set of connection ids scored by when each expires.
 * Nodes refresh their connections' scores; a crashed node's connections simply expire, so its users go
 * offline within the TTL instead of staying online forever. Best effort: with Redis away, presence is unknown
 * but connections keep working.
 */
final class Presence {

  private final RedisAPI redis;
  private final String prefix;
  private final int ttlSeconds;
  /**
   * Redis work in flight at once: thousands of sockets opening or closing together (a reconnect storm), or the
   * periodic refresh of every connection, would otherwise overflow the client's bounded wait queue and fail.
   */
  private final Gate gate = new Gate(32);

  Presence(RedisAPI redis, String prefix, int ttlSeconds) {
    this.redis = redis;
    this.prefix = prefix;
    this.ttlSeconds = ttlSeconds;
  }

  /** Live connections of the user on every node. */
  Future<Integer> connections(String userId) {
    return gate.run(() -> redis.zcount(key(userId), String.valueOf(System.currentTimeMillis()), "+inf"))
        .map(count -> count.toInteger());
  }

  /** Records a connection; true when it is the user's only one (the user just came online). */
  Future<Boolean> connected(String userId, String connectionId) {
    return gate.run(() -> {
      long now = System.currentTimeMillis();
      String key = key(userId);
      return redis.zadd(List.of(key, String.valueOf(now + ttlSeconds * 1000L), connectionId))
          .compose(added -> redis.expire(List.of(key, String.valueOf(ttlSeconds * 2))))
          .compose(expiring -> redis.zcount(key, String.valueOf(now), "+inf"))
          .map(count -> count.toInteger() == 1);
    });
  }

  /** Drops a connection; true when the user has none left (the user just went offline). */
  Future<Boolean> disconnected(String userId, String connectionId, long at) {
    return gate.run(() -> {
      long now = System.currentTimeMillis();
      String key = key(userId);
      return redis.zrem(List.of(key, connectionId))
          .compose(removed -> redis.zremrangebyscore(key, "-inf", String.valueOf(now)))
          .compose(pruned -> redis.zcount(key, String.valueOf(now), "+inf"))
          .compose(count -> count.toInteger() > 0 ? Future.succeededFuture(false)
              : redis.setex(prefix + "lastseen:" + userId, String.valueOf(30 * 24 * 3600), String.valueOf(at))
                  .map(set -> true));
    });
  }

  /**
   * The user's status for a presence snapshot: {@code {userId, status: "online"|"offline", lastSeen?}}, the
   * same shape as the {@code presence} event.
   */
  Future<JsonObject> status(String userId) {
    return connections(userId).compose(count -> {
      JsonObject status = new JsonObject().put("userId", userId)
          .put("status", count > 0 ? "online" : "offline");
      return count > 0 ? Future.succeededFuture(status) : gate.run(() -> redis.get(prefix + "lastseen:" + userId)
          .map(last -> last == null ? status : status.put("lastSeen", Long.parseLong(last.toString()))));
    });
  }

  /** Pushes the expiry of these live connections forward ({userId, connectionId} pairs). */
  Future<Void> refresh(List<String[]> connections) {
    long expiry = System.currentTimeMillis() + ttlSeconds * 1000L;
    List<Future<?>> writes = new ArrayList<>();
    for (String[] connection : connections) {
      writes.add(gate.run(() -> redis.zadd(List.of(key(connection[0]), String.valueOf(expiry), connection[1]))
          .compose(added -> redis.expire(List.of(key(connection[0]), String.valueOf(ttlSeconds * 2))))));
    }
    return Future.join(writes).mapEmpty();
  }

  private String key(String userId) {
    return prefix + "presence:" + userId;
  }
}
