package dev.parley.notifier;

import dev.parley.common.HealthChecks;
import dev.parley.common.Meters;
import dev.parley.common.Settings;
import dev.parley.common.bus.ServiceRequests;
import dev.parley.common.events.StreamCursors;
import dev.parley.common.events.EventFollower;
import dev.parley.common.events.KafkaSupport;
import dev.parley.contract.Addresses;
import dev.parley.notifier.push.PushConfig;
import dev.parley.notifier.push.PushDispatcher;
import dev.parley.contract.MessageEvent;
import dev.parley.contract.NotificationActions;
import dev.parley.contract.RoomEvent;
import dev.parley.contract.UserEvent;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications from the message event stream: a new message that mentions {@code @username} of a room member,
 * any new message in a direct room, or any message of a room whose level is {@code all} for a member, becomes a
 * {@code notification} for the recipient as the users' and rooms' levels decide (never the sender). Users
 * without an open socket then get a push ({@link PushDispatcher}, docs/notifications.md). Persistence stores it (one per user and message, so offline users find
 * it in {@code GET /api/v1/notifications}) and the notifier delivers the new ones live as a user event (frame
 * {@code {"type": "notification", id, kind, room, seq, from, fromUsername, text, ts, read}}) to every socket of
 * the recipient. Deleted messages take their notifications with them. Edits do not notify.
 *
 * <p>The notifier's stream positions are stored in MySQL (stream_cursors {@code notifier} of each shard, one
 * position per shard's outbox); after a restart or an outage it catches up from there ({@link EventFollower}). A first start follows the stream from its current
 * end (no notifications for history). Several instances may run: each reads the whole stream, and the unique
 * (user, message) key makes sure a notification is stored, and announced, once.
 */
public final class NotifierVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(NotifierVerticle.class);
  static final String CURSOR = "notifier";

  private Settings settings;
  private EventFollower follower;
  private ServiceRequests requests;
  private NotificationText texts;
  private long saveTimer = -1;
  /** Per shard, the position last stored (null until the first is read). */
  private StreamCursors cursors;
  private boolean stopped;
  private KafkaAdminClient kafkaAdmin;
  private MessageConsumer<JsonObject> kafkaCheck;
  private MessageConsumer<JsonObject> streamCheck;
  private volatile boolean following;
  /** Why the notifier cannot start following yet (persistence away, shard lists that differ). */
  private volatile String blockedBy;
  private Counter delivered;
  /** Null with {@code push.enabled} false. */
  private PushDispatcher pushes;

  @Override
  public Future<?> start() {
    settings = Settings.of(config());
    texts = new NotificationText(settings.integer("notifications.snippetChars", 140));
    requests = new ServiceRequests(vertx, settings.integer("events.requestTimeoutMs", 10_000));
    cursors = new StreamCursors(requests, CURSOR);
    delivered = Counter.builder("parley_notifications_delivered_total")
        .description("Notifications this node stored and announced").register(Meters.registry());
    follower = new EventFollower(vertx, settings, "notifier", this::apply);
    Future<Void> kafka = Future.succeededFuture();
    if (KafkaSupport.enabled(settings)) {
      kafka = KafkaSupport.admin(vertx, settings, "parley-notifier-admin-" + UUID.randomUUID())
          .compose(admin -> {
            kafkaAdmin = admin;
            return HealthChecks.register(vertx, "kafka", () -> KafkaSupport.check(vertx, admin, settings));
          })
          .onSuccess(check -> kafkaCheck = check)
          .mapEmpty();
    }
    PushConfig pushConfig = PushConfig.from(settings);
    if (pushConfig.enabled()) {
      kafka = kafka.compose(ready -> PushDispatcher.start(vertx, settings, pushConfig))
          .onSuccess(dispatcher -> pushes = dispatcher).mapEmpty();
    }
    Future<?> checks = kafka.compose(ready -> HealthChecks.register(vertx, "notifier", () -> following
        ? Future.succeededFuture() : Future.failedFuture(blockedBy == null
            ? "waiting for persistence to read the stream position" : "cannot follow the stream: " + blockedBy))
        .onSuccess(check -> streamCheck = check));
    return checks.onSuccess(ready -> {
      begin();
      saveTimer = vertx.setPeriodic(settings.integer("notifications.cursorSaveMs", 1000), tick -> saveCursor());
      LOG.info("notifier verticle started");
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (saveTimer >= 0) {
      vertx.cancelTimer(saveTimer);
    }
    return follower.stop()
        .eventually(() -> saveCursor().otherwiseEmpty())
        .eventually(() -> kafkaCheck == null ? Future.succeededFuture() : HealthChecks.unregister(vertx, kafkaCheck))
        .eventually(() -> streamCheck == null ? Future.succeededFuture() : HealthChecks.unregister(vertx, streamCheck))
        .eventually(() -> kafkaAdmin == null ? Future.succeededFuture() : kafkaAdmin.close())
        .eventually(() -> pushes == null ? Future.succeededFuture() : pushes.stop());
  }

  /**
   * Starts following from the stored positions. The very first start (no shard has a position yet) begins at
   * the current end of every shard's stream: no notifications for history. A shard added later begins at the
   * start of its outbox (what retention kept), so nothing sent in its rooms is skipped. New positions are
   * stored at once, so events sent while this notifier is down later are not skipped either.
   */
  private void begin() {
    cursors.load(follower)
        .onSuccess(positions -> {
          if (!stopped) {
            following = true;
            follower.start(positions.clone())
                .onFailure(failure -> LOG.error("notifier: cannot follow the stream", failure));
          }
        })
        .onFailure(failure -> {
          blockedBy = failure.getMessage();
          LOG.warn("notifier: cannot start following the stream yet ({}); retrying", blockedBy);
          if (!stopped) {
            vertx.setTimer(1000, id -> begin());
          }
        });
  }

  /** Stores the positions that moved: every event of the shard up to its position has been handled. */
  private Future<Void> saveCursor() {
    return cursors.save(follower.watermarks());
  }

  /** One batch of the stream: new mentions and direct messages to deliver, deleted messages to retract. */
  private Future<?> apply(List<MessageEvent> events) {
    JsonArray deliver = new JsonArray();
    JsonArray retract = new JsonArray();
    for (MessageEvent event : events) {
      if (event.deleted()) {
        retract.add(new JsonObject().put("roomId", event.roomId()).put("seq", event.seq()));
        continue;
      }
      if (!MessageEvent.CREATED.equals(event.kind()) || event.text() == null) {
        continue;
      }
      // Every new message: whether it notifies anyone (a mention, a direct room, a level "all") is for
      // persistence to resolve against members and their levels.
      Set<String> mentions = Mentions.in(event.text());
      boolean direct = "direct".equals(event.roomKind());
      deliver.add(new JsonObject()
          .put("roomId", event.roomId())
          .put("seq", event.seq())
          .put("from", event.senderId())
          .put("ts", event.ts())
          .put("text", texts.of(event.text(), event.attachments()))
          .put("direct", direct)
          .put("mentions", new JsonArray(new ArrayList<>(mentions)))
          // Issue 13: a reply in a thread notifies the thread's participants too (resolved by persistence).
          .put("threadRoot", event.threadRoot()));
    }
    Future<?> retracted = retract.isEmpty() ? Future.succeededFuture()
        : notifications(NotificationActions.RETRACT, new JsonObject().put("items", retract));
    if (deliver.isEmpty()) {
      return retracted;
    }
    return retracted.compose(done -> notifications(NotificationActions.DELIVER, new JsonObject().put("items", deliver)))
        .onSuccess(result -> {
          JsonArray created = result.getJsonArray("created");
          for (int i = 0; i < created.size(); i++) {
            JsonObject notification = created.getJsonObject(i).copy();
            String userId = (String) notification.remove("userId");
            vertx.eventBus().publish(Addresses.USER_EVENTS,
                UserEvent.of(userId, RoomEvent.NOTIFICATION, notification.getString("room"), notification));
            if (pushes != null) {
              pushes.notified(userId, notification);
            }
          }
          delivered.increment(created.size());
        });
  }


  private Future<JsonObject> notifications(String action, JsonObject body) {
    return requests.request(Addresses.PERSISTENCE_NOTIFICATIONS, action, body);
  }
}
