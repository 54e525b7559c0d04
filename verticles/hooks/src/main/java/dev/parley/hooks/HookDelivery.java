package dev.parley.hooks;

import dev.parley.common.Settings;
import dev.parley.common.bus.ServiceRequests;
import dev.parley.common.events.EventFollower;
import dev.parley.common.events.StreamCursors;
import dev.parley.contract.Addresses;
import dev.parley.contract.IntegrationActions;
import dev.parley.contract.MessageEvent;
import dev.parley.contract.UserEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One term of delivery, while this instance holds the hooks lock: follows the stream from the stored cursor
 * ({@code stream_cursors} name {@code hooks}), puts each event of a room with hooks in the backlog of each hook that
 * subscribed to its type ({@link HookQueue}), and stores the position below every event still waiting for some hook
 * ({@link PendingEvents}), so whoever delivers next (this instance after a restart, or another one after this one
 * died) delivers those again: at least once, with the same {@code X-Parley-Event-Id}.
 */
final class HookDelivery {

  private static final Logger LOG = LoggerFactory.getLogger(HookDelivery.class);
  static final String CURSOR = "hooks";

  /** The verticle's meters, shared by its terms. */
  record Meters(Counter delivered, Counter disabled, Timer lag) {
  }

  private final Vertx vertx;
  private final HooksConfig config;
  private final ServiceRequests requests;
  private final Meters meters;
  private final EventFollower follower;
  private final StreamCursors cursors;
  private final PendingEvents pending;
  private final HookRegistry registry;
  private long reloadTimer = -1;
  private long saveTimer = -1;
  private boolean stopped;
  private volatile boolean following;
  private volatile String blockedBy;

  HookDelivery(Vertx vertx, Settings settings, HooksConfig config, ServiceRequests requests, HookSender sender,
      Meters meters) {
    this.vertx = vertx;
    this.config = config;
    this.requests = requests;
    this.meters = meters;
    this.follower = new EventFollower(vertx, settings, CURSOR, this::apply);
    // A first start replays what the outbox kept: hooks created before it get the events since their creation.
    this.cursors = new StreamCursors(requests, CURSOR, false);
    this.pending = new PendingEvents(follower.shards());
    this.registry = new HookRegistry(vertx, config, sender, requests, new HookQueue.Listener() {
      @Override
      public void delivered(Hook hook, HookQueue.Delivery delivery) {
        HookDelivery.this.delivered(delivery);
      }

      @Override
      public void giveUp(Hook hook, String reason) {
        disable(hook, reason);
      }
    }, this::forget);
  }

  void start() {
    begin();
    reloadTimer = vertx.setPeriodic(config.reloadMs(), tick -> registry.reload());
    saveTimer = vertx.setPeriodic(config.cursorSaveMs(), tick -> saveCursor());
  }

  /**
   * Ends the term: stops following and closes every backlog. {@code save} stores the position first (a clean
   * stop, the lock still held); a term that lost the lock leaves the position to the next leader.
   */
  Future<?> stop(boolean save) {
    stopped = true;
    vertx.cancelTimer(reloadTimer);
    vertx.cancelTimer(saveTimer);
    return follower.stop()
        .eventually(() -> save ? saveCursor().otherwiseEmpty() : Future.succeededFuture())
        .eventually(() -> {
          registry.closeAll();
          return Future.succeededFuture();
        });
  }

  /**
   * Completes when the hooks as they are now in MySQL are in place; events applied after that are matched
   * against them (before the first follow, the start's own reload reads them).
   */
  Future<Void> reload() {
    return registry.reload();
  }

  int backlog() {
    return registry.backlog();
  }

  /** Null when following the stream, else why not (yet). */
  String notFollowing() {
    if (following) {
      return null;
    }
    return blockedBy == null ? "waiting for persistence to read the hooks and the stream position"
        : "cannot follow the stream: " + blockedBy;
  }

  private void begin() {
    registry.reload()
        .compose(loaded -> cursors.load(follower))
        .onSuccess(positions -> {
          if (!stopped) {
            following = true;
            LOG.info("hooks: delivering, following the stream after {}", Arrays.toString(positions));
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
          if (!hook.wants(type, event.at())) {
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
    meters.delivered().increment();
    meters.lag().record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - delivery.happenedAt())));
  }

  private void forget(List<HookQueue.Delivery> deliveries) {
    deliveries.forEach(delivery -> pending.done(delivery.shard(), delivery.streamId()));
  }

  /** Stops the hook here, marks it disabled in MySQL and tells the room's owner and admins. */
  private void disable(Hook hook, String reason) {
    forget(registry.remove(hook.id()));
    meters.disabled().increment();
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
    if (!following) {
      return Future.succeededFuture();
    }
    long[] handled = follower.watermarks();
    long[] safe = new long[handled.length];
    for (int shard = 0; shard < handled.length; shard++) {
      safe[shard] = pending.safePosition(shard, handled[shard]);
    }
    return cursors.save(safe);
  }
}
