package dev.parley.common.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes a test run's Redis keys (everything under its {@code redis.keyPrefix}), and only those: other runs
 * share the server, so tests never FLUSHALL. Also what "Redis forgot everything" looks like to a test.
 */
public final class TestRedis {

  private TestRedis() {
  }

  /** Deletes every key starting with {@code prefix}; the number deleted. Refuses prefixes outside tests. */
  public static Future<Integer> deleteKeys(Vertx vertx, JsonObject config, String prefix) {
    if (!prefix.startsWith("parley:test:")) {
      return Future.failedFuture("refusing to delete keys of non-test prefix " + prefix);
    }
    Redis redis = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(config.getJsonObject("redis").getString("url")));
    RedisAPI api = RedisAPI.api(redis);
    return scan(api, prefix + "*", "0", new ArrayList<>())
        .compose(keys -> keys.isEmpty() ? Future.succeededFuture(0)
            : api.del(keys).map(deleted -> deleted.toInteger()))
        .eventually(() -> {
          redis.close();
          return Future.succeededFuture();
        });
  }

  /** Deletes the run's keys under its configured prefix. */
  public static Future<Integer> deleteKeys(Vertx vertx, JsonObject config) {
    return deleteKeys(vertx, config, config.getJsonObject("redis").getString("keyPrefix"));
  }

  private static Future<List<String>> scan(RedisAPI api, String pattern, String cursor, List<String> keys) {
    return api.scan(List.of(cursor, "MATCH", pattern, "COUNT", "1000")).compose(reply -> {
      String next = reply.get(0).toString();
      for (Response key : reply.get(1)) {
        keys.add(key.toString());
      }
      return "0".equals(next) ? Future.succeededFuture(keys) : scan(api, pattern, next, keys);
    });
  }
}
