package dev.parley.common.bus;

import dev.parley.contract.Addresses;
import dev.parley.contract.ParleyException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The one way verticles call each other's services over the event bus: a request with the operation in the
 * {@link Addresses#ACTION} header, a timeout, and failures as {@link ParleyException} (a service's own error as
 * it sent it; no consumer, a timeout or a lost node as {@code unavailable}).
 *
 * <p>When the node a request went to leaves the cluster ({@link Failover}), an {@link #idempotent} request is
 * sent again to a live instance and the first answer wins; a {@link #request} that may have been applied is
 * failed as {@code unavailable} instead of waiting for its timeout. Idempotent means that doing it twice has
 * the effect of doing it once: reads, and sends carrying a {@code clientMsgId}.
 */
public final class ServiceRequests {

  private final Vertx vertx;
  private final long timeoutMs;

  public ServiceRequests(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  /** A request that must not be repeated; {@code action} may be null for single-operation addresses. */
  public <T> Future<T> request(String address, String action, Object body) {
    return this.<T>exchange(address, action, body, false).map(Message::body);
  }

  /** A request that may be sent again to another instance when its node leaves. */
  public <T> Future<T> idempotent(String address, String action, Object body) {
    return this.<T>exchange(address, action, body, true).map(Message::body);
  }

  /** Either of the above, answered with the whole reply (for its headers). */
  public <T> Future<Message<T>> exchange(String address, String action, Object body, boolean idempotent) {
    DeliveryOptions delivery = new DeliveryOptions();
    if (action != null) {
      delivery.addHeader(Addresses.ACTION, action);
    }
    Failover failover = Failover.of(vertx);
    if (failover == null) {
      return vertx.eventBus().<T>request(address, body, delivery.setSendTimeout(timeoutMs))
          .recover(failure -> Future.failedFuture(ParleyException.from(failure)));
    }
    Context context = vertx.getOrCreateContext();
    Exchange<T> exchange = new Exchange<>(failover, context, address, body, delivery, idempotent);
    if (Vertx.currentContext() == context) {
      exchange.start();
    } else {
      context.runOnContext(v -> exchange.start());
    }
    return exchange.result.future();
  }

  /** One logical request: one or more attempts, all on the caller's context, answered once. */
  private final class Exchange<T> {
    private final Failover failover;
    private final Context context;
    private final String address;
    private final Object body;
    private final DeliveryOptions delivery;
    private final boolean idempotent;
    private final Promise<Message<T>> result = Promise.promise();
    private final long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    private Failover.InFlight tracked;
    private int attempts;

    Exchange(Failover failover, Context context, String address, Object body, DeliveryOptions delivery,
        boolean idempotent) {
      this.failover = failover;
      this.context = context;
      this.address = address;
      this.body = body;
      this.delivery = delivery;
      this.idempotent = idempotent;
    }

    void start() {
      tracked = failover.track(address, idempotent, context, this::attempt, () -> finish(Future.failedFuture(
          ParleyException.unavailable("a node serving this request left the cluster; it may or may not have "
              + "been applied, retry"))));
      attempt();
    }

    private void attempt() {
      long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
      if (remainingMs <= 0) {
        return;
      }
      attempts++;
      vertx.eventBus().<T>request(address, body, new DeliveryOptions(delivery).setSendTimeout(remainingMs))
          .onComplete(answer -> {
            attempts--;
            // A service's own answer (success or error) ends the request; a lost attempt ends it only if it
            // was the last one out.
            if (answer.succeeded() || isAnswer(answer.cause()) || attempts == 0) {
              finish(answer);
            }
          });
    }

    private void finish(io.vertx.core.AsyncResult<Message<T>> answer) {
      tracked.done();
      if (answer.succeeded()) {
        result.tryComplete(answer.result());
      } else {
        result.tryFail(ParleyException.from(answer.cause()));
      }
    }
  }

  private static boolean isAnswer(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE;
  }
}
