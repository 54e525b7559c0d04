package dev.parley.notifier.push;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;

/**
 * Whether a user has an open socket on any node, read from the socket verticle's presence data in Redis
 * (read only): per user a sorted set {@code <prefix>presence:<userId>} of connection ids scored by when each
 * expires, so a live connection has a score in the future. With Redis away the answer is "offline": a push
 * too many beats a missed one.
 */
final class Presence {

  private final RedisAPI redis;
  private final String prefix;

  Presence(RedisAPI redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  Future<Boolean> online(String userId) {
    return redis.zcount(prefix + "presence:" + userId, String.valueOf(System.currentTimeMillis()), "+inf")
        .map(count -> count != null && count.toInteger() > 0)
        .otherwise(false);
  }
}
