package dev.parley.hooks;

import dev.parley.common.HealthChecks;
import dev.parley.common.LeaderLock;
import dev.parley.common.Meters;
import dev.parley.common.Settings;
import dev.parley.common.bus.ServiceRequests;
import dev.parley.common.events.EventFollower;
import dev.parley.contract.Addresses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outgoing webhooks, delivered from the durable message event stream ({@link EventFollower}, the same consumer as
 * search and the notifier), never from the send path: a send is acknowledged when it is committed, and its event
 * reaches hooks afterwards, however slow their receivers are.
 *
 * <p>Any number of instances may run in a cluster; exactly one delivers: the holder of the MySQL named lock
 * {@code parley_hooks} ({@link LeaderLock}, the outbox relay's mechanism). The others stand by and seek the lock
 * every {@code hooks.leaderRetryMs}; when the holder dies its lock connection closes, another instance takes the
 * lock and delivers from the stored cursor ({@link HookDelivery}): every event not yet accepted is delivered again
 * with the same event id. While delivering, each hook gets its room's events in stream order ({@link HookQueue}:
 * one at a time, retried with backoff, disabled after {@code hooks.maxConsecutiveFailures} or a full backlog).
 */
public final class HooksVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HooksVerticle.class);
  static final String LOCK = "parley_hooks";

  private Settings settings;
  private HooksConfig config;
  private ServiceRequests requests;
  private HookSender sender;
  private HookDelivery.Meters meters;
  private LeaderLock lock;
  private HookDelivery delivery;
  private MessageConsumer<Object> changes;
  /** Registered while this instance delivers (Addresses.HOOKS_RELOAD). */
  private MessageConsumer<Object> reloads;
  private MessageConsumer<JsonObject> healthCheck;

  @Override
  public Future<?> start() {
    settings = Settings.of(config());
    config = HooksConfig.from(settings);
    requests = new ServiceRequests(vertx, settings.integer("events.requestTimeoutMs", 10_000));
    sender = new HookSender(vertx, config);
    meters = new HookDelivery.Meters(
        Counter.builder("parley_hook_deliveries_total").description("Outgoing webhook events delivered (2xx)")
            .register(Meters.registry()),
        Counter.builder("parley_hooks_disabled_total").description("Outgoing webhooks disabled after failures")
            .register(Meters.registry()),
        Timer.builder("parley_hook_delivery_lag_seconds")
            .description("From an event's commit to its receiver's 2xx").register(Meters.registry()));
    Gauge.builder("parley_hook_backlog", () -> delivery == null ? 0 : delivery.backlog())
        .description("Outgoing webhook events waiting for delivery (on the delivering instance)")
        .register(Meters.registry());
    Gauge.builder("parley_hooks_leading", () -> delivery == null ? 0 : 1)
        .description("1 on the hooks instance that delivers (holds the hooks lock), 0 on those standing by")
        .register(Meters.registry());
    lock = new LeaderLock(vertx, LeaderLock.connectOptions(settings), LOCK, config.leaderRetryMs(), 5000,
        new LeaderLock.Listener() {
          @Override
          public void leading(long term) {
            LOG.info("hooks: this instance delivers (term {})", term);
            delivery = new HookDelivery(vertx, settings, config, requests, sender, meters);
            delivery.start();
            reloads = vertx.eventBus().consumer(Addresses.HOOKS_RELOAD, change -> {
              HookDelivery current = delivery;
              (current == null ? Future.succeededFuture() : current.reload())
                  .onComplete(done -> change.reply(null));
            });
          }

          @Override
          public void resigned(String why) {
            LOG.info("hooks: no longer delivering ({})", why);
            HookDelivery ended = delivery;
            delivery = null;
            unregisterReloads();
            if (ended != null) {
              ended.stop(false);
            }
          }
        });
    changes = vertx.eventBus().consumer(Addresses.HOOKS_CHANGED, change -> {
      if (delivery != null) {
        delivery.reload();
      }
    });
    // Standing by is healthy; the deliverer is healthy once it follows the stream.
    return changes.completion()
        .compose(registered -> HealthChecks.register(vertx, "hooks", () -> {
          HookDelivery current = delivery;
          String problem = current == null ? null : current.notFollowing();
          return problem == null ? Future.succeededFuture() : Future.failedFuture(problem);
        }))
        .onSuccess(check -> {
          healthCheck = check;
          lock.start();
          LOG.info("hooks verticle started; seeking the hooks lock");
        });
  }

  private void unregisterReloads() {
    if (reloads != null) {
      reloads.unregister();
      reloads = null;
    }
  }

  @Override
  public Future<?> stop() {
    // The position is saved while the lock is still held and the backlogs still count: what was not delivered
    // comes again from whoever delivers next.
    HookDelivery ended = delivery;
    delivery = null;
    unregisterReloads();
    Future<?> stopped = ended == null ? Future.succeededFuture() : ended.stop(true);
    return stopped
        .eventually(() -> {
          lock.stop();
          return sender.close();
        })
        .eventually(() -> changes == null ? Future.succeededFuture() : changes.unregister())
        .eventually(() -> healthCheck == null ? Future.succeededFuture() : HealthChecks.unregister(vertx, healthCheck));
  }
}
