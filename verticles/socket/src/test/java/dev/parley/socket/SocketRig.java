package dev.parley.socket;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestJwt;
import dev.parley.common.testing.TestKeys;
import dev.parley.common.testing.TestRedis;
import dev.parley.common.testing.TestSocket;
import dev.parley.contract.Codecs;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One socket verticle on a plain (non-clustered) Vert.x with the real Redis and a {@link FakeBackend} in place
 * of rooms, persistence and accounts: the socket module's behaviour without nodes or MySQL. Each rig has its own
 * Redis key prefix and port; {@link #token} issues access tokens signed with the test key.
 */
final class SocketRig implements AutoCloseable {

  private static final AtomicInteger RIGS = new AtomicInteger();
  final Vertx vertx = Vertx.vertx();
  final FakeBackend backend = new FakeBackend(vertx);
  final JsonObject config;
  final int port;
  final WebSocketClient sockets;

  /** {@code overrides}: PARLEY_* variables over the test environment (e.g. PARLEY_SOCKET_MAXCONNECTIONSPERUSER). */
  SocketRig(Map<String, String> overrides) {
    this(overrides, PresenceVisibility.NO_BLOCKS);
  }

  SocketRig(Map<String, String> overrides, PresenceVisibility visibility) {
    Map<String, String> env = TestConfig.environment();
    env.put("PARLEY_REDIS_KEYPREFIX", "parley:test:" + TestConfig.RUN_ID + ":rig" + RIGS.incrementAndGet() + ":");
    env.put("PARLEY_SOCKET_HOST", "127.0.0.1");
    env.putAll(overrides);
    config = TestConfig.config(env);
    port = config.getJsonObject("socket").getInteger("port");
    Codecs.registerAll(vertx);
    Await.result(backend.start());
    Await.result(vertx.deployVerticle(new SocketVerticle(visibility), new DeploymentOptions().setConfig(config)));
    sockets = TestSocket.client(vertx);
  }

  SocketRig() {
    this(Map.of());
  }

  /** An access token of user {@code userId} for a new login session, valid for {@code seconds}. */
  String token(String userId, long seconds) {
    return token(userId, UUID.randomUUID().toString(), seconds);
  }

  String token(String userId, String sessionId, long seconds) {
    JsonObject auth = config.getJsonObject("auth");
    JsonObject claims = TestJwt.claims(auth.getString("issuer"), auth.getString("audience"), userId, sessionId);
    claims.put("exp", claims.getLong("iat") + seconds);
    return TestJwt.sign(TestJwt.header(TestKeys.KID), claims, TestKeys.shared().pair().getPrivate());
  }

  String token(String userId) {
    return token(userId, 900);
  }

  TestSocket ready(String userId) {
    return TestSocket.ready(sockets, port, token(userId));
  }

  @Override
  public void close() {
    Await.result(TestRedis.deleteKeys(vertx, config));
    Await.result(vertx.close());
  }
}
