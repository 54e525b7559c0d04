package dev.parley.rooms;

import dev.parley.common.HealthChecks;
import dev.parley.common.RedisSupport;
import dev.parley.common.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Owns room membership and authorization; caches membership in Redis (MySQL, behind persistence, is the truth). */
public final class RoomsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RoomsVerticle.class);

  private Redis redis;
  private MessageConsumer<JsonObject> healthCheck;

  @Override
  public Future<?> start() {
    Settings settings = Settings.of(config());
    redis = RedisSupport.client(vertx, settings);
    RedisAPI api = RedisAPI.api(redis);
    return HealthChecks.register(vertx, "redis", () -> RedisSupport.ping(api))
        .onSuccess(registered -> {
          healthCheck = registered;
          LOG.info("rooms verticle started");
        });
  }

  @Override
  public Future<?> stop() {
    return HealthChecks.unregister(vertx, healthCheck).eventually(() -> {
      redis.close();
      return Future.succeededFuture();
    });
  }
}
