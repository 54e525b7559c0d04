package dev.parley.notifier.push;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.common.Meters;
import dev.parley.common.RedisSupport;
import dev.parley.common.Settings;
import dev.parley.common.push.VapidKeys;
import dev.parley.contract.Addresses;
import dev.parley.contract.NotificationActions;
import dev.parley.contract.NotificationPreferences;
import dev.parley.contract.PushActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides who gets a push and hands it on: for a new notification, a user with push on, outside quiet hours
 * and with no open socket on any node (checked when the notification arrives and again when its coalescing
 * window closes) gets one push per room and window to each of their subscriptions. Preferences are cached
 * ({@code push.preferencesCacheSeconds}, dropped at once when they change). Everything here is asynchronous
 * and after the notification was stored: it never slows the send path.
 */
public final class PushDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(PushDispatcher.class);

  private final Vertx vertx;
  private final Clock clock;
  private final DeliveryOptions requests;
  private final Cache<String, NotificationPreferences> preferences;
  private final Redis redisClient;
  private final Presence presence;
  private final PushSender sender;
  private final PushQueue queue;
  private final PushCoalescer coalescer;
  private final List<MessageConsumer<JsonObject>> consumers;

  private PushDispatcher(Vertx vertx, Settings settings, PushConfig config, VapidKeys vapid, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
    this.requests = new DeliveryOptions().setSendTimeout(settings.integer("events.requestTimeoutMs", 10_000));
    this.preferences = Caffeine.newBuilder().maximumSize(100_000)
        .expireAfterWrite(Duration.ofSeconds(config.preferencesCacheSeconds())).build();
    this.redisClient = RedisSupport.client(vertx, settings);
    this.presence = new Presence(RedisAPI.api(redisClient), RedisSupport.keyPrefix(settings));
    this.sender = new PushSender(vertx, vapid == null ? null : new VapidSigner(vapid, clock), config);
    this.queue = new PushQueue(vertx, sender, config, this::remove, Meters.registry());
    this.coalescer = new PushCoalescer(vertx, config.coalesceSeconds() * 1000L, config.maxPending(), this::flush,
        queue::countDropped);
    this.consumers = List.of(
        vertx.eventBus().<JsonObject>consumer(Addresses.PREFERENCES_CHANGED,
            changed -> preferences.invalidate(changed.body().getString("userId"))),
        vertx.eventBus().<JsonObject>consumer(Addresses.READ_MARKERS, read -> coalescer.read(
            read.body().getString("userId"), read.body().getString("roomId"), read.body().getLong("seq"))));
  }

  /** Reads the VAPID keys (Web Push stays off without them) and registers the consumers. */
  public static Future<PushDispatcher> start(Vertx vertx, Settings settings, PushConfig config) {
    return VapidKeys.load(vertx, settings, true).compose(vapid -> {
      if (vapid == null) {
        LOG.warn("Web Push is off: no VAPID keys at push.vapid.publicKeyFile/privateKeyFile (scripts/run creates"
            + " development keys); push gateways still work");
      }
      PushDispatcher dispatcher = new PushDispatcher(vertx, settings, config, vapid, Clock.systemUTC());
      return Future.all(dispatcher.consumers.stream().map(MessageConsumer::completion).toList()).map(dispatcher);
    });
  }

  /** A notification just stored for {@code userId}; it may become (part of) a push. */
  public void notified(String userId, JsonObject notification) {
    // Inside an open window the notification is only counted, and the window's flush checks presence and
    // preferences again: no Redis round trip per notification of a burst.
    if (coalescer.open(userId, notification.getString("room"))) {
      coalescer.add(userId, notification);
      return;
    }
    pushable(userId).onSuccess(wanted -> {
      if (wanted != null) {
        coalescer.add(userId, notification);
      }
    });
  }

  private void flush(PushCoalescer.Flush flush) {
    pushable(flush.userId()).compose(wanted -> wanted == null ? Future.succeededFuture()
        : push(PushActions.TARGETS, new JsonObject().put("userId", flush.userId())).onSuccess(found -> {
          boolean generic = wanted.genericContent();
          JsonArray subscriptions = found.getJsonArray("subscriptions");
          for (int i = 0; i < subscriptions.size(); i++) {
            queue.offer(new PushQueue.Job(subscriptions.getJsonObject(i), flush.latest(), flush.count(), generic, 0));
          }
        }))
        .onFailure(failure -> LOG.warn("push for user {} not sent: {}", flush.userId(), failure.toString()));
  }

  /** The user's preferences when a push is due now (push on, outside quiet hours, no open socket), else null. */
  private Future<NotificationPreferences> pushable(String userId) {
    // Presence first: it is "at that moment", and a preference lookup may take a round trip.
    return presence.online(userId).compose(online -> online ? Future.succeededFuture(null)
        : preferencesOf(userId).map(wanted -> !wanted.push()
            || wanted.quietHours() != null && wanted.quietHours().contains(clock.instant()) ? null : wanted));
  }

  private Future<NotificationPreferences> preferencesOf(String userId) {
    NotificationPreferences cached = preferences.getIfPresent(userId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return vertx.eventBus().<JsonObject>request(Addresses.PERSISTENCE_NOTIFICATIONS,
            new JsonObject().put("userId", userId),
            new DeliveryOptions(requests).addHeader(Addresses.ACTION, NotificationActions.PREFERENCES))
        .map(reply -> {
          NotificationPreferences loaded = NotificationPreferences.fromJson(reply.body());
          preferences.put(userId, loaded);
          return loaded;
        });
  }

  private void remove(String subscriptionId) {
    push(PushActions.REMOVE, new JsonObject().put("ids", new JsonArray().add(subscriptionId)))
        .onFailure(failure -> LOG.warn("could not delete push subscription {}: {}", subscriptionId, failure.toString()));
  }

  private Future<JsonObject> push(String action, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(Addresses.PERSISTENCE_PUSH, body,
        new DeliveryOptions(requests).addHeader(Addresses.ACTION, action)).map(Message::body);
  }

  public Future<Void> stop() {
    coalescer.close();
    queue.close();
    redisClient.close();
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
        .onComplete(done -> sender.close()).mapEmpty();
  }
}
