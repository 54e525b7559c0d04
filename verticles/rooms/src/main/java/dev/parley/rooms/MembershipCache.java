package dev.parley.rooms;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.function.Supplier;

/**
 * Membership answers cached in Redis: a user's room ids, and a member's role in a room. MySQL (through
 * persistence) is the truth: a miss, a flushed Redis or an unreachable Redis falls back to it.
 *
 * <p>Every change bumps a generation counter for the user before deleting the cached value; a fill writes only
 * if the generation it read before loading is still current, so a slow fill can never put back what a change
 * just removed. Entries also expire, which bounds any staleness left by a lost invalidation.
 */
final class MembershipCache {

  /** Writes the loaded value only if the generation is still the one read before loading. */
  private static final String FILL_SCRIPT = """
      local current = redis.call('GET', KEYS[2])
      if (current or '0') == ARGV[1] then
        redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
        return 1
      end
      return 0""";

  private final RedisAPI redis;
  private final String prefix;
  private final int ttlSeconds;

  MembershipCache(RedisAPI redis, String prefix, int ttlSeconds) {
    this.redis = redis;
    this.prefix = prefix;
    this.ttlSeconds = ttlSeconds;
  }

  /** The ids of the user's rooms. */
  Future<JsonArray> userRooms(String userId, Supplier<Future<JsonArray>> load) {
    return cached(userRoomsKey(userId), generationKey(userId),
        () -> load.get().map(JsonArray::encode)).map(JsonArray::new);
  }

  /** {@code {member, role?}} for (room, user). */
  Future<JsonObject> membership(String roomId, String userId, Supplier<Future<JsonObject>> load) {
    return cached(memberKey(roomId, userId), generationKey(userId),
        () -> load.get().map(JsonObject::encode)).map(JsonObject::new);
  }

  /** Forgets what is cached about these users (after a membership change of theirs has committed). */
  Future<Void> invalidate(String roomId, List<String> userIds) {
    Future<?> chain = Future.succeededFuture();
    for (String userId : userIds) {
      chain = chain.compose(previous -> redis.incr(generationKey(userId)))
          .compose(bumped -> redis.del(List.of(userRoomsKey(userId), memberKey(roomId, userId))));
    }
    // Redis being away must not fail a change that has committed: entries expire on their own.
    return chain.<Void>mapEmpty().otherwiseEmpty();
  }

  // A user's keys share the hash tag {userId}: on Redis Cluster they live in one slot, so the fill script and
  // the invalidation may touch several of them at once.

  private String userRoomsKey(String userId) {
    return prefix + "user-rooms:{" + userId + "}";
  }

  private String generationKey(String userId) {
    return prefix + "user-gen:{" + userId + "}";
  }

  private String memberKey(String roomId, String userId) {
    return prefix + "member:" + roomId + ":{" + userId + "}";
  }

  private Future<String> cached(String key, String generationKey, Supplier<Future<String>> load) {
    return redis.mget(List.of(key, generationKey))
        .compose(values -> {
          Response value = values.get(0);
          if (value != null) {
            return Future.succeededFuture(value.toString());
          }
          String generation = values.get(1) == null ? "0" : values.get(1).toString();
          return load.get().compose(loaded -> redis
              .eval(List.of(FILL_SCRIPT, "2", key, generationKey, generation, loaded, String.valueOf(ttlSeconds)))
              .map(written -> loaded)
              .otherwise(loaded));
        }, redisDown -> load.get());
  }
}
