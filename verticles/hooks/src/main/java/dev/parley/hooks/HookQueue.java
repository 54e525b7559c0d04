package dev.parley.hooks;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One hook's backlog, delivered one event at a time in the order it was offered (the stream's order, which is
 * commit order within a room): the next event goes out only after the previous one was accepted, so a receiver
 * sees a room's events in order. A failure is retried after an exponential backoff; after
 * {@code hooks.maxConsecutiveFailures} in a row, or when the backlog is full, the hook is given up
 * ({@link Listener#giveUp}). Event ids offered again (the stream delivers at least once) are dropped while they
 * are among the last ones seen. Event-loop confined.
 */
final class HookQueue {

  /** An event waiting for this hook. */
  record Delivery(int shard, long streamId, String eventId, long happenedAt, Buffer body) {
  }

  enum Offer { QUEUED, DUPLICATE, FULL }

  /** What the verticle hears from a queue. */
  interface Listener {
    /** The receiver accepted it (2xx). */
    void delivered(Hook hook, Delivery delivery);

    /** The hook is to be disabled: too many failures in a row. */
    void giveUp(Hook hook, String reason);
  }

  private static final int REMEMBERED_IDS = 10_000;

  private final Vertx vertx;
  private final Hook hook;
  private final HooksConfig config;
  private final HookSender sender;
  private final Listener listener;
  private final ArrayDeque<Delivery> backlog = new ArrayDeque<>();
  private final Set<String> seen = new LinkedHashSet<>();
  private boolean sending;
  private boolean closed;
  private int failures;
  private long retryTimer = -1;

  HookQueue(Vertx vertx, Hook hook, HooksConfig config, HookSender sender, Listener listener) {
    this.vertx = vertx;
    this.hook = hook;
    this.config = config;
    this.sender = sender;
    this.listener = listener;
  }

  Hook hook() {
    return hook;
  }

  int size() {
    return backlog.size();
  }

  Offer offer(Delivery delivery) {
    if (!seen.add(delivery.eventId())) {
      return Offer.DUPLICATE;
    }
    if (seen.size() > REMEMBERED_IDS) {
      seen.remove(seen.iterator().next());
    }
    if (backlog.size() >= config.maxBacklog()) {
      return Offer.FULL;
    }
    backlog.add(delivery);
    pump();
    return Offer.QUEUED;
  }

  /** Stops delivering; answers what was still waiting (no longer to be delivered by this queue). */
  List<Delivery> close() {
    closed = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
    List<Delivery> left = new ArrayList<>(backlog);
    backlog.clear();
    return left;
  }

  private void pump() {
    if (sending || closed || retryTimer >= 0 || backlog.isEmpty()) {
      return;
    }
    sending = true;
    Delivery next = backlog.peek();
    sender.send(hook, next.eventId(), next.body()).onComplete(sent -> {
      sending = false;
      if (closed) {
        return;
      }
      if (sent.succeeded()) {
        failures = 0;
        backlog.poll();
        listener.delivered(hook, next);
        pump();
        return;
      }
      failures++;
      if (failures >= config.maxConsecutiveFailures()) {
        listener.giveUp(hook, failures + " consecutive failed deliveries; last: " + sent.cause().getMessage());
        return;
      }
      retryTimer = vertx.setTimer(config.backoffMs(failures), id -> {
        retryTimer = -1;
        pump();
      });
    });
  }
}
