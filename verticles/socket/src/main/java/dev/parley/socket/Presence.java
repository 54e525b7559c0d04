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
  private final Gate gate = new Gate(32, 1 << 16);

  Presence(RedisAPI redis, String prefix, int ttlSeconds) {
    this.redis = redis;
    this.prefix = prefix;
    this.ttlSeconds = ttlSeconds;
  }

  /**
   * Takes a connection lease in one step, so parallel opens on any number of nodes cannot pass the cap together:
   * drop the expired leases, refuse (-1) when {@code cap} live ones are held, else add this one with its expiry
   * and answer how many the user holds now. The key itself expires after two TTLs of silence.
   */
  private static final String LEASE = """
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
      if not redis.call('ZSCORE', KEYS[1], ARGV[3]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
        return -1
      end
      redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
      redis.call('EXPIRE', KEYS[1], ARGV[5])
      return redis.call('ZCARD', KEYS[1])""";

  /** Live connections of the user on every node. */
  Future<Integer> connections(String userId) {
    return gate.run(() -> redis.zcount(key(userId), String.valueOf(System.currentTimeMillis()), "+inf"))
        .map(count -> count.toInteger());
  }

  /**
   * Records a connection if the user holds fewer than {@code cap}: the number of connections the user holds
   * with this one (1: the user just came online), or -1 when the cap is reached.
   */
  Future<Integer> connected(String userId, String connectionId, int cap) {
    return gate.run(() -> {
      long now = System.currentTimeMillis();
      return redis.eval(List.of(LEASE, "1", key(userId), String.valueOf(now), String.valueOf(now + ttlSeconds * 1000L),
          connectionId, String.valueOf(cap), String.valueOf(ttlSeconds * 2))).map(count -> count.toInteger());
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
