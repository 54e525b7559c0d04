package dev.parley.hooks;

import dev.parley.common.HealthChecks;
import dev.parley.common.Meters;
import dev.parley.common.Settings;
import dev.parley.common.bus.ServiceRequests;
import dev.parley.common.events.EventFollower;
import dev.parley.common.events.StreamCursors;
import dev.parley.contract.Addresses;
import dev.parley.contract.IntegrationActions;
import dev.parley.contract.MessageEvent;
import dev.parley.contract.UserEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outgoing webhooks, delivered from the durable message event stream ({@link EventFollower}, the same consumer as
 * search and the notifier), never from the send path: a send is acknowledged when it is committed, and its event
 * reaches hooks afterwards, however slow their receivers are.
 *
 * <p>Each event of a room with hooks is put in the backlog of each hook that subscribed to its type
 * ({@link HookQueue}: one delivery at a time, in stream order, retried with backoff, the hook disabled after
 * {@code hooks.maxConsecutiveFailures} or a full backlog, with a {@code hook.disabled} user event to the room's
 * owner and admins). The stored stream position ({@code stream_cursors} name {@code hooks}) stays below every event
 * still waiting for some hook ({@link PendingEvents}), so after a restart those are delivered again: at least
 * once, with the same {@code X-Parley-Event-Id}. Deploy one instance in the cluster (every instance delivers every
 * event).
 */
public final class HooksVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HooksVerticle.class);
  static final String CURSOR = "hooks";

  private HooksConfig config;
  private ServiceRequests requests;
  private EventFollower follower;
  private StreamCursors cursors;
  private HookSender sender;
  private HookRegistry registry;
  private PendingEvents pending;
  private MessageConsumer<Object> changes;
  private MessageConsumer<JsonObject> healthCheck;
  private long reloadTimer = -1;
  private long saveTimer = -1;
  private boolean stopped;
  private volatile boolean following;
  private volatile String blockedBy;
  private Counter delivered;
  private Counter disabled;
  private Timer lag;

  @Override
  public Future<?> start() {
    Settings settings = Settings.of(config());
    config = HooksConfig.from(settings);
    requests = new ServiceRequests(vertx, settings.integer("events.requestTimeoutMs", 10_000));
    follower = new EventFollower(vertx, settings, CURSOR, this::apply);
    cursors = new StreamCursors(requests, CURSOR);
    pending = new PendingEvents(follower.shards());
    sender = new HookSender(vertx, config);
    registry = new HookRegistry(vertx, config, sender, requests, new HookQueue.Listener() {
      @Override
      public void delivered(Hook hook, HookQueue.Delivery delivery) {
        HooksVerticle.this.delivered(delivery);
      }

      @Override
      public void giveUp(Hook hook, String reason) {
        disable(hook, reason);
      }
    }, this::forget);
    delivered = Counter.builder("parley_hook_deliveries_total").description("Outgoing webhook events delivered (2xx)")
        .register(Meters.registry());
    disabled = Counter.builder("parley_hooks_disabled_total").description("Outgoing webhooks disabled after failures")
        .register(Meters.registry());
    lag = Timer.builder("parley_hook_delivery_lag_seconds")
        .description("From an event's commit to its receiver's 2xx").register(Meters.registry());
    Gauge.builder("parley_hook_backlog", () -> registry == null ? 0 : registry.backlog())
        .description("Outgoing webhook events waiting for delivery").register(Meters.registry());
    changes = vertx.eventBus().consumer(Addresses.HOOKS_CHANGED, change -> registry.reload());
    return changes.completion()
        .compose(registered -> HealthChecks.register(vertx, "hooks", () -> following ? Future.succeededFuture()
            : Future.failedFuture(blockedBy == null ? "waiting for persistence to read the hooks and the stream position"
                : "cannot follow the stream: " + blockedBy)))
        .onSuccess(check -> {
          healthCheck = check;
          begin();
          reloadTimer = vertx.setPeriodic(config.reloadMs(), tick -> registry.reload());
          saveTimer = vertx.setPeriodic(config.cursorSaveMs(), tick -> saveCursor());
          LOG.info("hooks verticle started");
        });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (reloadTimer >= 0) {
      vertx.cancelTimer(reloadTimer);
    }
    if (saveTimer >= 0) {
      vertx.cancelTimer(saveTimer);
    }
    // The position is saved while the backlogs still count: what was not delivered comes again after a restart.
    return follower.stop()
        .eventually(() -> saveCursor().otherwiseEmpty())
        .eventually(() -> {
          registry.closeAll();
          return sender.close();
        })
        .eventually(() -> changes == null ? Future.succeededFuture() : changes.unregister())
        .eventually(() -> healthCheck == null ? Future.succeededFuture() : HealthChecks.unregister(vertx, healthCheck));
  }

  private void begin() {
    registry.reload()
        .compose(loaded -> cursors.load(follower))
        .onSuccess(positions -> {
          if (!stopped) {
            following = true;
            follower.start(positions).onFailure(failure -> LOG.error("hooks: cannot follow the stream", failure));
          }
        })
        .onFailure(failure -> {
          blockedBy = failure.getMessage();
          LOG.warn("hooks: cannot start following the stream yet ({}); retrying", blockedBy);
          if (!stopped) {
            vertx.setTimer(1000, id -> begin());
          }
        });
  }

  /** One batch of the stream: each event into the backlog of each hook of its room that wants its type. */
  private Future<?> apply(List<MessageEvent> events) {
    // A hook created just before these events were committed is in place once its announcement's reload is done.
    return registry.ready().otherwiseEmpty().map(ready -> {
      for (MessageEvent event : events) {
        String type = HookPayload.type(event);
        if (type == null) {
          continue;
        }
        for (HookQueue queue : registry.ofRoom(event.roomId())) {
          Hook hook = queue.hook();
          if (!hook.wants(type)) {
            continue;
          }
          HookQueue.Delivery delivery = new HookQueue.Delivery(event.shard(), event.id(), HookPayload.eventId(event),
              event.at(), HookPayload.body(hook, event));
          pending.add(event.shard(), event.id());
          HookQueue.Offer offer = queue.offer(delivery);
          if (offer != HookQueue.Offer.QUEUED) {
            pending.done(event.shard(), event.id());
          }
          if (offer == HookQueue.Offer.FULL) {
            disable(hook, "its backlog of " + config.maxBacklog() + " events is full");
          }
        }
      }
      return null;
    });
  }

  private void delivered(HookQueue.Delivery delivery) {
    pending.done(delivery.shard(), delivery.streamId());
    delivered.increment();
    lag.record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - delivery.happenedAt())));
  }

  private void forget(List<HookQueue.Delivery> deliveries) {
    deliveries.forEach(delivery -> pending.done(delivery.shard(), delivery.streamId()));
  }

  /** Stops the hook here, marks it disabled in MySQL and tells the room's owner and admins. */
  private void disable(Hook hook, String reason) {
    forget(registry.remove(hook.id()));
    disabled.increment();
    LOG.warn("disabling {}: {}", hook, reason);
    requests.<JsonObject>request(Addresses.PERSISTENCE_INTEGRATIONS, IntegrationActions.DISABLE_HOOK,
            new JsonObject().put("hookId", hook.id()).put("reason", reason))
        .onSuccess(answer -> {
          JsonObject body = new JsonObject().put("hookId", hook.id()).put("room", hook.roomId()).put("reason", reason);
          answer.getJsonArray("admins").forEach(admin -> vertx.eventBus().publish(Addresses.USER_EVENTS,
              UserEvent.of((String) admin, IntegrationActions.HOOK_DISABLED_EVENT, hook.roomId(), body)));
          vertx.eventBus().publish(Addresses.HOOKS_CHANGED, new JsonObject().put("hookId", hook.id())
              .put("roomId", hook.roomId()));
        })
        .onFailure(failure -> LOG.warn("could not store that {} is disabled ({}); it is retried at the next reload",
            hook, failure.getMessage()));
  }

  /** Every event at or below the stored position was delivered, given up, or not for any hook. */
  private Future<Void> saveCursor() {
    long[] handled = follower.watermarks();
    long[] safe = new long[handled.length];
    for (int shard = 0; shard < handled.length; shard++) {
      safe[shard] = pending.safePosition(shard, handled[shard]);
    }
    return cursors.save(safe);
  }
}
