package dev.parley.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the Redis client a verticle uses, from the {@code redis} config section. The pool and its wait
 * queue are bounded, so a slow Redis turns into fast failures instead of unbounded memory.
 *
 * <p>{@code redis.type} is {@code standalone} (the default: one server, {@code redis.url}), {@code cluster} (Redis
 * Cluster: {@code redis.endpoints} are seed nodes, the client learns the slots from them) or {@code sentinel}
 * ({@code redis.endpoints} are the sentinels, which name the current master of {@code redis.masterName}).
 * {@code redis.endpoints} is a comma-separated list (or JSON array) of {@code redis://} URLs; blank means just
 * {@code redis.url}.
 */
public final class RedisSupport {

  private RedisSupport() {
  }

  public static Redis client(Vertx vertx, Settings settings) {
    return Redis.createClient(vertx, options(settings));
  }

  /** The client options the config describes; nothing is connected. */
  public static RedisOptions options(Settings settings) {
    RedisClientType type = type(settings);
    List<String> endpoints = endpoints(settings);
    RedisOptions options = new RedisOptions()
        .setType(type)
        .setEndpoints(new ArrayList<>(endpoints))
        .setMaxPoolSize(settings.integer("redis.poolSize", 8))
        .setMaxPoolWaiting(settings.integer("redis.maxWaitQueue", 1024))
        .setMaxWaitingHandlers(settings.integer("redis.maxWaitingHandlers", 4096));
    if (type == RedisClientType.SENTINEL) {
      options.setMasterName(settings.string("redis.masterName", "mymaster")).setRole(RedisRole.MASTER);
    }
    return options;
  }

  private static RedisClientType type(Settings settings) {
    String type = settings.string("redis.type", "standalone");
    return switch (type) {
      case "standalone" -> RedisClientType.STANDALONE;
      case "cluster" -> RedisClientType.CLUSTER;
      case "sentinel" -> RedisClientType.SENTINEL;
      default -> throw new ConfigException(
          "key 'redis.type' must be standalone, cluster or sentinel, not '" + type + "'");
    };
  }

  private static List<String> endpoints(Settings settings) {
    List<String> endpoints = settings.strings("redis.endpoints", List.of());
    return endpoints.isEmpty() ? List.of(settings.string("redis.url")) : endpoints;
  }

  /**
   * The prefix of every key this node writes. Blank (the default) derives it from the cluster name and the
   * database, {@code parley:<cluster.name>/<mysql.database>:}, so separate installs sharing one Redis do not
   * share rate-limit counters, caches or presence; the nodes of one install agree on both anyway.
   */
  public static String keyPrefix(Settings settings) {
    String configured = settings.string("redis.keyPrefix", "");
    if (!configured.isEmpty()) {
      return configured;
    }
    return "parley:" + settings.string("cluster.name", "parley") + "/" + settings.string("mysql.database", "parley")
        + ":";
  }

  public static Future<?> ping(RedisAPI api) {
    return api.ping(List.of());
  }
}
