package dev.parley.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestRedis;
import dev.parley.http.auth.RateLimiter.Decision;
import dev.parley.http.auth.RateLimiter.Hit;
import dev.parley.http.auth.RateLimiter.Rule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fixed windows in the real Redis, shared by every limiter on the same prefix (as by every node). */
class RateLimiterTest {

  private static final JsonObject CONFIG = TestConfig.config();
  private static final String PREFIX = CONFIG.getJsonObject("redis").getString("keyPrefix") + "rl-test:";
  private static Vertx vertx;
  private static Redis redis;
  private static RedisAPI api;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(CONFIG.getJsonObject("redis").getString("url")));
    api = RedisAPI.api(redis);
  }

  @AfterAll
  static void stop() {
    Await.result(TestRedis.deleteKeys(vertx, CONFIG, PREFIX));
    redis.close();
    Await.result(vertx.close());
  }

  private static String subject() {
    return UUID.randomUUID().toString();
  }

  @Test
  void allowsTheLimitThenRefusesWithTheWindowsRemainingSeconds() {
    RateLimiter limiter = new RateLimiter(api, PREFIX);
    Rule rule = new Rule("login-ip", 3, 60);
    String ip = subject();

    for (int i = 0; i < 3; i++) {
      assertThat(Await.result(limiter.hit(new Hit(rule, ip))).allowed()).isTrue();
    }
    Decision refused = Await.result(limiter.hit(new Hit(rule, ip)));

    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterSeconds()).isBetween(1L, 60L);
    assertThat(refused.rule()).isEqualTo("login-ip");
    // Other subjects have their own counters.
    assertThat(Await.result(limiter.hit(new Hit(rule, subject()))).allowed()).isTrue();
  }

  @Test
  void everyLimiterOnThePrefixSharesTheCounters() {
    Rule rule = new Rule("shared", 4, 60);
    String user = subject();
    List<Future<Decision>> hits = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      // A new limiter per hit, as if every request landed on another node.
      hits.add(new RateLimiter(api, PREFIX).hit(new Hit(rule, user)));
    }
    Await.result(Future.all(hits));

    assertThat(hits.stream().filter(hit -> hit.result().allowed())).hasSize(4);
  }

  @Test
  void aRequestIsRefusedWhenAnyOfItsRulesIsOver() {
    RateLimiter limiter = new RateLimiter(api, PREFIX);
    Rule perIp = new Rule("ip", 100, 60);
    Rule perUser = new Rule("user", 2, 30);
    String ip = subject();
    String user = subject();

    Await.result(limiter.hit(new Hit(perIp, ip), new Hit(perUser, user)));
    Await.result(limiter.hit(new Hit(perIp, ip), new Hit(perUser, user)));
    Decision third = Await.result(limiter.hit(new Hit(perIp, ip), new Hit(perUser, user)));

    assertThat(third.allowed()).isFalse();
    assertThat(third.rule()).isEqualTo("user");
    assertThat(third.retryAfterSeconds()).isBetween(1L, 30L);
    // The same IP with another username is still fine.
    assertThat(Await.result(limiter.hit(new Hit(perIp, ip), new Hit(perUser, subject()))).allowed()).isTrue();
  }

  @Test
  void keysLiveUnderThePrefixAndExpireWithTheirWindow() {
    RateLimiter limiter = new RateLimiter(api, PREFIX);
    Rule rule = new Rule("ttl", 5, 45);
    String ip = subject();
    Await.result(limiter.hit(new Hit(rule, ip)));

    long ttl = Await.result(api.pttl(limiter.key(rule, ip))).toLong();

    assertThat(limiter.key(rule, ip)).isEqualTo(PREFIX + "rl:ttl:" + ip);
    assertThat(ttl).isBetween(1L, 45_000L);
  }

  @Test
  void withRedisDownRequestsAreLetThrough() {
    Redis down = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:1"));
    try {
      RateLimiter limiter = new RateLimiter(RedisAPI.api(down), PREFIX);
      Rule rule = new Rule("down", 1, 60);

      assertThat(Await.result(limiter.hit(new Hit(rule, "x"), new Hit(rule, "x"))).allowed()).isTrue();
    } finally {
      down.close();
    }
  }
}
