package dev.parley.notifier.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.push.VapidKeys;
import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestKeys;
import dev.parley.common.testing.TestPushService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pushes through the real queue and sender to HTTP services inside the test: a Web Push service that verifies
 * VAPID and decrypts the payload on its own ({@link TestPushService}), and a Matrix push gateway.
 */
class WebPushDeliveryTest {

  private static final PushConfig CONFIG = new PushConfig(true, 0, 3600, "high", 100, 8, 3, 10, 50, 5000, 1000, 0, 1);
  private static final JsonObject MENTION = new JsonObject().put("id", "91").put("kind", "mention").put("room", "7")
      .put("seq", 3L).put("from", "42").put("fromUsername", "alice").put("text", "hello @bob, 서버 봐줄래?")
      .put("ts", 1L).put("read", false);

  private Vertx vertx;
  private Context context;
  private SimpleMeterRegistry registry;
  private PushQueue queue;
  private Promise<String> removed;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    registry = new SimpleMeterRegistry();
    removed = Promise.promise();
    VapidKeys keys = new VapidKeys((ECPublicKey) TestKeys.vapid().pair().getPublic(),
        (ECPrivateKey) TestKeys.vapid().pair().getPrivate(), "mailto:ops@example.org");
    queue = onContext(() -> new PushQueue(vertx, new PushSender(vertx, new VapidSigner(keys, Clock.systemUTC()), CONFIG),
        CONFIG, id -> removed.tryComplete(id), registry));
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  private <T> T onContext(java.util.function.Supplier<T> work) {
    Promise<T> done = Promise.promise();
    context.runOnContext(nothing -> done.complete(work.get()));
    return Await.result(done.future());
  }

  private void offer(JsonObject subscription, JsonObject latest, int count, boolean generic) {
    assertThat(onContext(() -> queue.offer(new PushQueue.Job(subscription, latest, count, generic, 0)))).isTrue();
  }

  private double counter(String name) {
    return registry.get(name).counter().count();
  }

  @Test
  void thePayloadDecryptsToTheExpectedJsonAndVapidVerifies() {
    TestPushService service = Await.result(TestPushService.start(vertx));
    offer(service.subscription().put("id", "5"), MENTION, 1, false);

    TestPushService.Received push = Await.result(service.awaitCount(1)).get(0);
    assertThat(push.problem()).isNull();
    assertThat(push.payload()).isEqualTo(new JsonObject().put("kind", "mention").put("room", "7").put("seq", 3)
        .put("sender", "42").put("title", "alice mentioned you").put("body", "hello @bob, 서버 봐줄래?").put("count", 1));
    assertThat(push.ttl()).isEqualTo("3600");
    assertThat(push.urgency()).isEqualTo("high");
    assertThat(push.vapidKey()).isEqualTo(VapidKeysOf.publicKey());
    Await.result(awaitCounter("parley_push_sent_total", 1));
  }

  @Test
  void genericContentCarriesNoTextAndNoNames() {
    TestPushService service = Await.result(TestPushService.start(vertx));
    offer(service.subscription().put("id", "5"), MENTION, 50, true);

    JsonObject payload = Await.result(service.awaitCount(1)).get(0).payload();
    assertThat(payload).isEqualTo(new JsonObject().put("kind", "mention").put("room", "7").put("seq", 3)
        .put("sender", "42").put("title", "Parley").put("body", "50 new notifications").put("count", 50));
    assertThat(payload.encode()).doesNotContain("hello").doesNotContain("alice");
  }

  @Test
  void anEndpointAnswering410IsDeleted() {
    TestPushService service = Await.result(TestPushService.start(vertx)).answer(410);
    offer(service.subscription().put("id", "17"), MENTION, 1, false);

    assertThat(Await.result(removed.future())).isEqualTo("17");
    assertThat(counter("parley_push_failed_total")).isEqualTo(1.0);
    assertThat(counter("parley_push_sent_total")).isZero();
  }

  @Test
  void a503IsRetriedWithBackoffUntilItSucceeds() {
    TestPushService service = Await.result(TestPushService.start(vertx)).answer(503, 503);
    offer(service.subscription().put("id", "5"), MENTION, 1, false);

    List<TestPushService.Received> all = Await.result(service.awaitCount(3));
    assertThat(all).allMatch(push -> push.problem() == null && push.payload().getLong("seq") == 3L);
    Await.result(awaitCounter("parley_push_sent_total", 1));
    assertThat(counter("parley_push_retries_total")).isEqualTo(2.0);
    assertThat(counter("parley_push_failed_total")).isZero();
    assertThat(removed.future().isComplete()).isFalse();
  }

  @Test
  void theGatewayGetsTheMatrixRequestAndItsRejectedPushkeysAreDeleted() {
    AtomicReference<String> path = new AtomicReference<>();
    Promise<JsonObject> body = Promise.promise();
    HttpServer gateway = Await.result(vertx.createHttpServer().requestHandler(request -> {
      path.set(request.path());
      request.body().onSuccess(received -> {
        body.complete(received.toJsonObject());
        request.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("rejected", new JsonArray().add("device-token-1")).encode());
      });
    }).listen(0, "127.0.0.1"));
    JsonObject subscription = new JsonObject().put("id", "23").put("kind", "gateway")
        .put("url", "http://127.0.0.1:" + gateway.actualPort() + "/_matrix/push/v1/notify")
        .put("pushkey", "device-token-1").put("appId", "dev.parley.ios").put("createdAt", 1_700_000_000_000L);
    offer(subscription, MENTION, 2, false);

    JsonObject notification = Await.result(body.future()).getJsonObject("notification");
    assertThat(path.get()).isEqualTo("/_matrix/push/v1/notify");
    assertThat(notification.getString("event_id")).isEqualTo("7:3");
    assertThat(notification.getString("room_id")).isEqualTo("7");
    assertThat(notification.getString("sender")).isEqualTo("42");
    assertThat(notification.getString("sender_display_name")).isEqualTo("alice");
    assertThat(notification.getJsonObject("content").getString("body")).isEqualTo("hello @bob, 서버 봐줄래?");
    assertThat(notification.getJsonObject("counts").getInteger("unread")).isEqualTo(2);
    assertThat(notification.getJsonArray("devices")).containsExactly(new JsonObject().put("app_id", "dev.parley.ios")
        .put("pushkey", "device-token-1").put("pushkey_ts", 1_700_000_000L).put("data", new JsonObject()));
    assertThat(Await.result(removed.future())).isEqualTo("23");
  }

  /** Completes when the counter has reached {@code value} (counters move on the event loop after the answer). */
  private Future<Void> awaitCounter(String name, double value) {
    Promise<Void> reached = Promise.promise();
    long timer = vertx.setPeriodic(5, id -> {
      if (counter(name) >= value) {
        vertx.cancelTimer(id);
        reached.tryComplete();
      }
    });
    vertx.setTimer(10_000, late -> {
      vertx.cancelTimer(timer);
      reached.tryFail(name + " did not reach " + value);
    });
    return reached.future();
  }

  /** The VAPID public key the test nodes use, base64url, computed independently of {@link VapidKeys}. */
  private static final class VapidKeysOf {
    static String publicKey() {
      ECPublicKey key = (ECPublicKey) TestKeys.vapid().pair().getPublic();
      byte[] point = new byte[65];
      point[0] = 4;
      byte[] x = key.getW().getAffineX().toByteArray();
      byte[] y = key.getW().getAffineY().toByteArray();
      System.arraycopy(x, Math.max(0, x.length - 32), point, 1 + 32 - Math.min(32, x.length), Math.min(32, x.length));
      System.arraycopy(y, Math.max(0, y.length - 32), point, 33 + 32 - Math.min(32, y.length), Math.min(32, y.length));
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(point);
    }
  }
}
