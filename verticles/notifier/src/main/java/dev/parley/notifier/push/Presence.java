package dev.parley.notifier.push;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a user has an open socket on any node, read from the socket verticle's presence data in Redis
 * (read only): per user a sorted set {@code <prefix>presence:<userId>} of connection ids scored by when each
 * expires, so a live connection has a score in the future. With Redis away the answer is "offline": a push
 * too many beats a missed one.
 */
final class Presence {

  private static final Logger LOG = LoggerFactory.getLogger(Presence.class);

  private final RedisAPI redis;
  private final String prefix;

  Presence(RedisAPI redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix;
  }

  Future<Boolean> online(String userId) {
    return redis.zcount(prefix + "presence:" + userId, String.valueOf(System.currentTimeMillis()), "+inf")
        .map(count -> count != null && count.toInteger() > 0)
        .otherwise(failure -> {
          LOG.warn("presence of user {} unknown (Redis: {}); pushing as if offline", userId, failure.toString());
          return false;
        });
  }
}
