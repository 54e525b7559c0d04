package dev.parley.common.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request helper and its failover on one local Vert.x: a consumer that swallows a request plays the node
 * that died with it, the registrations are a map the test edits as the cluster manager would.
 */
class ServiceRequestsTest {

  private static final long TIMEOUT_MS = 10_000;
  private static final long GRACE_MS = 300;

  private Vertx vertx;
  private final Map<String, Set<String>> registrations = new ConcurrentHashMap<>();
  private Failover failover;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    failover = Failover.install(vertx, address -> Future.succeededFuture(registrations.getOrDefault(address, Set.of())),
        GRACE_MS);
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  void anIdempotentRequestLostWithItsNodeIsSentAgainAndAnswered() {
    registrations.put("svc", Set.of("live", "dead"));
    CopyOnWriteArrayList<String> actions = new CopyOnWriteArrayList<>();
    AtomicInteger deliveries = new AtomicInteger();
    consumer("svc", request -> {
      actions.add(request.headers().get(Addresses.ACTION));
      if (deliveries.incrementAndGet() > 1) {
        request.reply(new JsonObject().put("answer", 42));
      }
    });

    Future<JsonObject> answer = new ServiceRequests(vertx, TIMEOUT_MS).idempotent("svc", "read", new JsonObject());
    awaitDeliveries(deliveries, 1);
    long leftAt = System.nanoTime();
    registrations.put("svc", Set.of("live"));
    failover.memberLeft("dead");

    assertThat(Await.result(answer, Duration.ofSeconds(3)).getInteger("answer")).isEqualTo(42);
    assertThat((System.nanoTime() - leftAt) / 1_000_000).as("answered soon after the node left").isLessThan(1000);
    assertThat(actions).containsExactly("read", "read");
    assertThat(failover.inFlight()).isZero();
  }

  @Test
  void aRequestSentWhileTheLeaverIsStillRoutedToIsSentAgainOnceItsRegistrationsAreGone() {
    registrations.put("svc", Set.of("live", "dead"));
    AtomicInteger deliveries = new AtomicInteger();
    consumer("svc", request -> {
      // The second request is the one the dead node swallowed.
      if (deliveries.incrementAndGet() != 2) {
        request.reply(new JsonObject().put("answer", 7));
      }
    });
    ServiceRequests requests = new ServiceRequests(vertx, TIMEOUT_MS);
    Await.result(requests.idempotent("svc", "read", new JsonObject()));

    failover.memberLeft("dead");
    Future<JsonObject> answer = requests.idempotent("svc", "read", new JsonObject());
    awaitDeliveries(deliveries, 2);
    long goneAt = System.nanoTime();
    registrations.put("svc", Set.of("live"));

    assertThat(Await.result(answer, Duration.ofSeconds(3)).getInteger("answer")).isEqualTo(7);
    assertThat((System.nanoTime() - goneAt) / 1_000_000).isLessThan(1000);
  }

  @Test
  void aRequestSentAfterTheRegistrationsAreGoneButStillRoutedToTheLeaverIsSentAgain() {
    // The event bus follows the registrations later than the cluster's map on a loaded node: a request sent
    // once the map no longer lists the leaver may still go to it.
    registrations.put("svc", Set.of("live", "dead"));
    AtomicInteger deliveries = new AtomicInteger();
    consumer("svc", request -> {
      // The second request is the one the dead node swallowed.
      if (deliveries.incrementAndGet() != 2) {
        request.reply(new JsonObject().put("answer", 9));
      }
    });
    ServiceRequests requests = new ServiceRequests(vertx, TIMEOUT_MS);
    Await.result(requests.idempotent("svc", "read", new JsonObject()));
    registrations.put("svc", Set.of("live"));
    failover.memberLeft("dead");
    Await.result(vertx.timer(500));

    long sentAt = System.nanoTime();
    Future<JsonObject> answer = requests.idempotent("svc", "read", new JsonObject());

    assertThat(Await.result(answer, Duration.ofSeconds(3)).getInteger("answer")).isEqualTo(9);
    assertThat((System.nanoTime() - sentAt) / 1_000_000).isLessThan(Failover.RESEND_AFTER_MS + 1000);
    assertThat(deliveries).hasValue(3);
  }

  @Test
  void aRequestThatMayHaveBeenAppliedFailsAsUnavailableWithinTheGrace() {
    registrations.put("svc", Set.of("live", "dead"));
    AtomicInteger deliveries = new AtomicInteger();
    consumer("svc", request -> deliveries.incrementAndGet());

    Future<JsonObject> answer = new ServiceRequests(vertx, TIMEOUT_MS).request("svc", "create", new JsonObject());
    awaitDeliveries(deliveries, 1);
    long leftAt = System.nanoTime();
    registrations.put("svc", Set.of("live"));
    failover.memberLeft("dead");

    Throwable failure = Await.failure(answer);
    assertThat(((ParleyException) failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat((System.nanoTime() - leftAt) / 1_000_000).isBetween(GRACE_MS - 100, GRACE_MS + 1000);
    assertThat(deliveries).as("never sent twice").hasValue(1);
  }

  @Test
  void requestsToServicesTheLeaverDidNotHostAreLeftAlone() {
    registrations.put("svc", Set.of("live"));
    AtomicInteger deliveries = new AtomicInteger();
    CopyOnWriteArrayList<Message<JsonObject>> held = new CopyOnWriteArrayList<>();
    consumer("svc", request -> {
      deliveries.incrementAndGet();
      held.add(request);
    });

    Future<JsonObject> answer = new ServiceRequests(vertx, TIMEOUT_MS).request("svc", "create", new JsonObject());
    awaitDeliveries(deliveries, 1);
    failover.memberLeft("an-edge");
    Await.result(vertx.timer(GRACE_MS * 2));
    held.get(0).reply(new JsonObject().put("late", true));

    assertThat(Await.result(answer).getBoolean("late")).isTrue();
    assertThat(deliveries).hasValue(1);
  }

  @Test
  void aServiceErrorArrivesAsTheSameParleyException() {
    consumer("svc", request -> ParleyException.badRequest("name", "name is required").failReply(request));

    Throwable failure = Await.failure(new ServiceRequests(vertx, TIMEOUT_MS).request("svc", "create", new JsonObject()));

    assertThat(failure).isInstanceOf(ParleyException.class).hasMessage("name is required");
    assertThat(((ParleyException) failure).field()).isEqualTo("name");
  }

  @Test
  void noConsumerIsUnavailable() {
    Throwable failure = Await.failure(new ServiceRequests(vertx, TIMEOUT_MS).idempotent("nobody", null, "x"));

    assertThat(((ParleyException) failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  private void consumer(String address, Consumer<Message<JsonObject>> handler) {
    Await.result(vertx.eventBus().<JsonObject>consumer(address, handler::accept).completion());
  }

  private void awaitDeliveries(AtomicInteger deliveries, int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (deliveries.get() < count) {
      assertThat(System.nanoTime()).as("delivered in time").isLessThan(deadline);
      Await.result(vertx.timer(10));
    }
  }
}
