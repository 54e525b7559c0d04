package dev.parley.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestRedis;
import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The session guard against the real Redis, with a stand-in for the persistence verticle's two session
 * addresses (this module cannot deploy it): the stand-in is "MySQL", the authority.
 */
class SessionGuardTest {

  private static final JsonObject CONFIG = TestConfig.config();
  private static final String PREFIX = CONFIG.getJsonObject("redis").getString("keyPrefix") + "guard:";
  private static final SessionGuard.Options OPTIONS = new SessionGuard.Options(10_000, 60, 930, 1000, 2000);

  private static Vertx vertx;
  private static Redis redis;
  private static RedisAPI api;
  /** "MySQL": session id -> active. */
  private static final Map<String, Boolean> sessions = new ConcurrentHashMap<>();
  private static final AtomicInteger statusCalls = new AtomicInteger();
  /** When set, status requests wait here instead of being answered. */
  private static volatile List<Message<JsonObject>> held;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(CONFIG.getJsonObject("redis").getString("url")));
    api = RedisAPI.api(redis);
    MessageConsumer<JsonObject> status = vertx.eventBus().consumer(Addresses.ACCOUNTS_SESSION_STATUS, request -> {
      statusCalls.incrementAndGet();
      List<Message<JsonObject>> hold = held;
      if (hold != null) {
        hold.add(request);
        return;
      }
      answer(request);
    });
    MessageConsumer<JsonObject> revoke = vertx.eventBus().consumer(Addresses.ACCOUNTS_REVOKE_SESSION, request -> {
      sessions.put(request.body().getString("sessionId"), false);
      request.reply(new JsonObject().put("sessionId", request.body().getString("sessionId")).put("userId", "7")
          .put("revoked", true));
    });
    Await.result(Future.all(status.completion(), revoke.completion()));
  }

  @AfterAll
  static void stop() {
    Await.result(TestRedis.deleteKeys(vertx, CONFIG, PREFIX));
    redis.close();
    Await.result(vertx.close());
  }

  @BeforeEach
  void reset() {
    held = null;
    statusCalls.set(0);
  }

  private static void answer(Message<JsonObject> request) {
    String sessionId = request.body().getString("sessionId");
    Boolean active = sessions.get(sessionId);
    request.reply(new JsonObject().put("sessionId", sessionId).put("active", Boolean.TRUE.equals(active)));
  }

  /** A guard living on its own event-loop context, like one verticle instance on one node. */
  private record Node(Context context, SessionGuard guard) {

    <T> Future<T> on(Supplier<Future<T>> action) {
      Promise<T> promise = Promise.promise();
      context.runOnContext(v -> action.get().onComplete(promise));
      return promise.future();
    }

    boolean active(String sessionId) {
      return Await.result(on(() -> guard.isActive(sessionId)));
    }
  }

  private static Node node(RedisAPI redisApi) {
    Context context = vertx.getOrCreateContext();
    SessionGuard guard = new SessionGuard(vertx, redisApi, PREFIX, OPTIONS);
    Node node = new Node(context, guard);
    Await.result(node.on(guard::start));
    return node;
  }

  private static String newSession(boolean active) {
    String id = UUID.randomUUID().toString();
    sessions.put(id, active);
    return id;
  }

  private static String redisValue(String sessionId) {
    Response value = Await.result(api.get(PREFIX + "session:" + sessionId));
    return value == null ? null : value.toString();
  }

  /** Polls on a timer (never sleeping a thread) until the condition holds or the deadline passes. */
  private static boolean within(Duration deadline, Supplier<Boolean> condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      if (condition.get()) {
        return true;
      }
      Promise<Void> tick = Promise.promise();
      vertx.setTimer(10, id -> tick.complete());
      Await.result(tick.future());
    }
    return condition.get();
  }

  @Test
  void activeSessionIsAskedOfMysqlOnceThenServedFromTheCaches() {
    Node node = node(api);
    String session = newSession(true);

    assertThat(node.active(session)).isTrue();
    assertThat(node.active(session)).isTrue();

    assertThat(statusCalls.get()).isEqualTo(1);
    assertThat(redisValue(session)).isEqualTo("1");
    // Another node finds it in Redis without asking MySQL.
    assertThat(node(api).active(session)).isTrue();
    assertThat(statusCalls.get()).isEqualTo(1);
  }

  @Test
  void unknownSessionIsNotActive() {
    assertThat(node(api).active(UUID.randomUUID().toString())).isFalse();
  }

  @Test
  void revocationReachesEveryNodeAtOnceAndSticksInRedis() {
    Node first = node(api);
    Node second = node(api);
    String session = newSession(true);
    assertThat(first.active(session)).isTrue();
    assertThat(second.active(session)).isTrue();

    Await.result(first.on(() -> first.guard().revoke(session)));

    assertThat(first.active(session)).isFalse();
    assertThat(within(Duration.ofSeconds(1), () -> !second.active(session))).isTrue();
    assertThat(redisValue(session)).isEqualTo("0");
    assertThat(sessions.get(session)).isFalse();
  }

  @Test
  void afterRedisForgetsEverythingRevokedStaysRevokedAndActiveStaysActive() {
    Node before = node(api);
    String revoked = newSession(true);
    String active = newSession(true);
    assertThat(before.active(revoked)).isTrue();
    assertThat(before.active(active)).isTrue();
    Await.result(before.on(() -> before.guard().revoke(revoked)));

    Await.result(TestRedis.deleteKeys(vertx, CONFIG, PREFIX));
    // A node started after the revocation: it shares nothing with this one (its node-local list is empty).
    vertx.sharedData().getLocalMap("parley.sessions.revoked.here").clear();

    Node fresh = node(api);
    assertThat(fresh.active(revoked)).isFalse();
    assertThat(fresh.active(active)).isTrue();
    assertThat(redisValue(revoked)).isEqualTo("0");
    assertThat(redisValue(active)).isEqualTo("1");
  }

  @Test
  void aStaleActiveMarkerNeverOverwritesARevokedOne() {
    String session = newSession(false);
    Await.result(api.set(List.of(PREFIX + "session:" + session, "0", "EX", "60")));
    // A node that read "active" before the revocation writes it only if nothing is there (NX).
    Await.result(api.set(List.of(PREFIX + "session:" + session, "1", "EX", "60", "NX")));

    assertThat(redisValue(session)).isEqualTo("0");
    assertThat(node(api).active(session)).isFalse();
  }

  @Test
  void withRedisDownAnswersComeFromMysql() {
    Redis down = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:1"));
    try {
      Node node = node(RedisAPI.api(down));
      String active = newSession(true);
      String revoked = newSession(false);

      assertThat(node.active(active)).isTrue();
      assertThat(node.active(revoked)).isFalse();
    } finally {
      down.close();
    }
  }

  @Test
  void aRevocationArrivingWhileALookupIsInFlightWins() {
    Node node = node(api);
    String session = newSession(true);
    List<Message<JsonObject>> waiting = new ArrayList<>();
    held = java.util.Collections.synchronizedList(waiting);

    Future<Boolean> lookup = node.on(() -> node.guard().isActive(session));
    assertThat(within(Duration.ofSeconds(5), () -> !held.isEmpty())).isTrue();
    vertx.eventBus().publish(Addresses.SESSION_REVOKED, new JsonObject().put("sessionId", session).put("userId", "7"));
    // The revocation is handled on the guard's context before the stale "active" answer is released.
    Await.result(node.on(() -> Future.succeededFuture(null)));
    List<Message<JsonObject>> released = new ArrayList<>(held);
    held = null;
    released.forEach(SessionGuardTest::answer);

    assertThat(Await.result(lookup)).isFalse();
    assertThat(node.active(session)).isFalse();
  }

  @Test
  void neitherRedisNorMysqlAnsweringIsUnavailable() {
    Vertx lonely = Vertx.vertx();
    Redis down = Redis.createClient(lonely, new RedisOptions().setConnectionString("redis://127.0.0.1:1"));
    try {
      SessionGuard guard = new SessionGuard(lonely, RedisAPI.api(down), PREFIX, OPTIONS);
      Context context = lonely.getOrCreateContext();
      Promise<Boolean> result = Promise.promise();
      context.runOnContext(v -> guard.isActive("s").onComplete(result));

      Throwable failure = Await.failure(result.future());

      assertThat(ParleyException.from(failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    } finally {
      down.close();
      Await.result(lonely.close());
    }
  }
}
