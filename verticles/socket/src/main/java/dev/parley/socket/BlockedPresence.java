package dev.parley.socket;

import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.ModerationActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Blocks applied to presence (issue 14): a user who blocked another is not shown to them. Each subject's blocks
 * are read from persistence once and cached per verticle instance (bounded, for {@code ttlMillis}); a change
 * arrives on the clustered {@link Addresses#BLOCKS_CHANGED}, one consumer per instance, and drops that user's
 * copy at once. When persistence cannot answer, presence is not shown (a block is never ignored).
 */
final class BlockedPresence implements PresenceVisibility {

  private record Entry(Set<String> blocked, long until) {
  }

  private final Vertx vertx;
  private final ServiceRequests requests;
  private final long ttlMillis;
  private final Map<String, Entry> cache;
  private final Map<String, Future<Set<String>>> inFlight = new HashMap<>();
  /** Bumped per subject by each change, so an answer read before a change is not cached after it. */
  private final Map<String, Integer> generations = new HashMap<>();
  private MessageConsumer<JsonObject> changes;

  BlockedPresence(Vertx vertx, long requestTimeoutMs, long ttlMillis, int maxEntries) {
    this.vertx = vertx;
    this.requests = new ServiceRequests(vertx, requestTimeoutMs);
    this.ttlMillis = ttlMillis;
    this.cache = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > maxEntries;
      }
    };
  }

  Future<Void> start() {
    changes = vertx.eventBus().consumer(Addresses.BLOCKS_CHANGED, message -> {
      String userId = message.body().getString("userId");
      cache.remove(userId);
      inFlight.remove(userId);
      generations.merge(userId, 1, Integer::sum);
    });
    return changes.completion();
  }

  Future<Void> stop() {
    return changes == null ? Future.succeededFuture() : changes.unregister();
  }

  @Override
  public Future<Boolean> visible(String viewerId, String subjectId) {
    return blockedBy(subjectId).map(blocked -> !blocked.contains(viewerId)).otherwise(false);
  }

  private Future<Set<String>> blockedBy(String userId) {
    Entry known = cache.get(userId);
    if (known != null && known.until() > System.currentTimeMillis()) {
      return Future.succeededFuture(known.blocked());
    }
    Future<Set<String>> pending = inFlight.get(userId);
    if (pending != null) {
      return pending;
    }
    int generation = generations.getOrDefault(userId, 0);
    Future<Set<String>> lookup = requests.<JsonObject>idempotent(Addresses.PERSISTENCE_MODERATION,
        ModerationActions.BLOCKS, new JsonObject().put("userId", userId)).map(reply -> {
          Set<String> blocked = new HashSet<>();
          reply.getJsonArray("blocks").forEach(block -> blocked.add(((JsonObject) block).getString("userId")));
          if (generations.getOrDefault(userId, 0) == generation) {
            cache.put(userId, new Entry(blocked, System.currentTimeMillis() + ttlMillis));
          }
          return blocked;
        });
    inFlight.put(userId, lookup);
    lookup.onComplete(done -> inFlight.remove(userId, lookup));
    return lookup;
  }
}
