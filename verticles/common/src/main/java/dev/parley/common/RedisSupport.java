package dev.parley.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.util.List;

/**
 * Creates the Redis client a verticle uses, from the {@code redis} config section. The pool and its wait
 * queue are bounded, so a slow Redis turns into fast failures instead of unbounded memory.
 */
public final class RedisSupport {

  private RedisSupport() {
  }

  public static Redis client(Vertx vertx, Settings settings) {
    RedisOptions options = new RedisOptions()
        .setConnectionString(settings.string("redis.url"))
        .setMaxPoolSize(settings.integer("redis.poolSize", 8))
        .setMaxPoolWaiting(settings.integer("redis.maxWaitQueue", 1024))
        .setMaxWaitingHandlers(settings.integer("redis.maxWaitingHandlers", 4096));
    return Redis.createClient(vertx, options);
  }

  /** The prefix of every key this node writes; tests give each run its own. */
  public static String keyPrefix(Settings settings) {
    return settings.string("redis.keyPrefix", "parley:");
  }

  public static Future<?> ping(RedisAPI api) {
    return api.ping(List.of());
  }
}
