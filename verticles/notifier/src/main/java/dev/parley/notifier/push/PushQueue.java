package dev.parley.notifier.push;

import dev.parley.notifier.push.PushSender.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pushes waiting to be sent, bounded ({@code push.queueSize}, counting those waiting for a retry): beyond
 * it a push is dropped and counted, never blocking the notifier. At most {@code push.maxConcurrent} requests
 * are out at once; 429/5xx and network failures are retried up to {@code push.maxRetries} times with
 * exponential backoff and jitter (or the service's {@code Retry-After}); a subscription that is gone is handed
 * to {@code remove}. Confined to the notifier's event loop.
 */
final class PushQueue {

  private static final Logger LOG = LoggerFactory.getLogger(PushQueue.class);

  /** One push to one subscription: about {@code count} notifications of a room, the newest {@code latest}. */
  record Job(JsonObject subscription, JsonObject latest, int count, boolean generic, int attempt) {
    Job next() {
      return new Job(subscription, latest, count, generic, attempt + 1);
    }
  }

  private final Vertx vertx;
  private final PushSender sender;
  private final PushConfig config;
  private final Consumer<String> remove;
  private final ArrayDeque<Job> waiting = new ArrayDeque<>();
  private final Set<Long> retryTimers = new java.util.HashSet<>();
  private int inFlight;
  private boolean closed;
  private final Counter sent;
  private final Counter failed;
  private final Counter dropped;
  private final Counter retried;
  private final List<Gauge> gauges = new ArrayList<>();
  private final MeterRegistry registry;

  PushQueue(Vertx vertx, PushSender sender, PushConfig config, Consumer<String> remove, MeterRegistry registry) {
    this.vertx = vertx;
    this.sender = sender;
    this.config = config;
    this.remove = remove;
    this.registry = registry;
    this.sent = Counter.builder("parley_push_sent_total").description("Pushes a push service or gateway accepted")
        .register(registry);
    this.failed = Counter.builder("parley_push_failed_total")
        .description("Pushes given up: refused, gone, or still failing after the retries").register(registry);
    this.dropped = Counter.builder("parley_push_dropped_total")
        .description("Pushes dropped because the push queue or the coalescing table was full").register(registry);
    this.retried = Counter.builder("parley_push_retries_total").description("Push requests tried again")
        .register(registry);
    gauges.add(Gauge.builder("parley_push_queue_depth", this, PushQueue::depth)
        .description("Pushes waiting to be sent or retried").register(registry));
  }

  /** False (and counted as dropped) when the queue is full. */
  boolean offer(Job job) {
    if (closed || depth() >= config.queueSize()) {
      dropped.increment();
      return false;
    }
    waiting.add(job);
    drain();
    return true;
  }

  void countDropped() {
    dropped.increment();
  }

  int depth() {
    return waiting.size() + retryTimers.size();
  }

  private void drain() {
    while (!closed && inFlight < config.maxConcurrent() && !waiting.isEmpty()) {
      Job job = waiting.poll();
      inFlight++;
      sender.send(job.subscription(), job.latest(), job.count(), job.generic()).onComplete(done -> {
        inFlight--;
        handle(job, done.succeeded() ? done.result()
            : new Outcome(PushSender.Result.RETRY, -1, String.valueOf(done.cause())));
        drain();
      });
    }
  }

  private void handle(Job job, Outcome outcome) {
    String id = job.subscription().getString("id");
    switch (outcome.result()) {
      case SENT -> sent.increment();
      case GONE -> {
        failed.increment();
        LOG.info("push subscription {} is gone ({}); deleting it", id, outcome.detail());
        remove.accept(id);
      }
      case FAILED -> {
        failed.increment();
        LOG.warn("push to subscription {} failed: {}", id, outcome.detail());
      }
      case RETRY -> {
        if (job.attempt() >= config.maxRetries() || closed) {
          failed.increment();
          LOG.warn("push to subscription {} failed after {} attempts: {}", id, job.attempt() + 1, outcome.detail());
          return;
        }
        retried.increment();
        long backoff = Math.min(config.retryMaxMs(), (long) config.retryBaseMs() << Math.min(20, job.attempt()));
        long delay = outcome.retryAfterMs() >= 0 ? Math.min(outcome.retryAfterMs(), config.retryMaxMs())
            : backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        long[] timer = new long[1];
        timer[0] = vertx.setTimer(Math.max(1, delay), fired -> {
          retryTimers.remove(timer[0]);
          if (!closed) {
            waiting.addFirst(job.next());
            drain();
          }
        });
        retryTimers.add(timer[0]);
      }
      default -> throw new IllegalStateException(outcome.result().name());
    }
  }

  void close() {
    closed = true;
    retryTimers.forEach(vertx::cancelTimer);
    retryTimers.clear();
    waiting.clear();
    // The counters stay: they count for the whole node; the gauge would keep reading this closed queue.
    gauges.forEach(registry::remove);
  }
}
