package dev.parley.search;

import dev.parley.common.ConfigException;
import dev.parley.common.HealthChecks;
import dev.parley.common.Meters;
import dev.parley.common.Settings;
import dev.parley.common.bus.ServiceRequests;
import dev.parley.common.events.EventFollower;
import dev.parley.common.events.KafkaSupport;
import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.MessageEvent;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import dev.parley.contract.StreamActions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full-text search over messages: a Lucene index on this node's disk ({@link SearchIndex}, Korean by morpheme
 * with Nori, Latin words stemmed — {@link ChatAnalyzer}), fed by the message event stream.
 *
 * <p>Each search node keeps a full index of its own and follows the whole stream ({@link EventFollower}); the
 * index commit stores the stream position it covers, so a restarted node catches up from MySQL exactly from
 * there. A missing, unfinished or corrupt index is rebuilt in the background from every stored message (then
 * the stream is followed from a little below the newest event id seen when the rebuild began); the check
 * {@code search-index} fails meanwhile and the node takes no queries (other search nodes answer them; with
 * none, searches answer 503).
 *
 * <p>Queries: the caller's rooms come from the rooms verticle (cached membership), never from the rooms
 * tables; only those rooms are searched, or the one room named by {@code roomId} if the caller may see it
 * (member, or public room). Lucene work runs on worker threads: writes on one ordered thread, searches on
 * {@code search.queryThreads}.
 */
public final class SearchVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SearchVerticle.class);

  private enum State { STARTING, REBUILDING, FOLLOWING }

  private Settings settings;
  private SearchSettings options;
  private WorkerExecutor writes;
  private WorkerExecutor queries;
  private SearchIndex index;
  private EventFollower follower;
  private volatile State state = State.STARTING;
  /** Why the index cannot start following yet (persistence away, shard lists that differ), for the health check. */
  private volatile String blockedBy;
  private final AtomicLong rebuilt = new AtomicLong();
  private long[] lastCommitted;
  private final List<Long> timers = new ArrayList<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /** Registered only while the index is complete: an incomplete index takes no queries. */
  private MessageConsumer<JsonObject> queryConsumer;
  private KafkaAdminClient kafkaAdmin;
  private boolean stopped;
  private ServiceRequests requests;
  private Timer queryTimer;
  private Counter indexedEvents;

  @Override
  public Future<?> start() {
    settings = Settings.of(config());
    options = SearchSettings.from(settings);
    requests = new ServiceRequests(vertx, options.requestTimeoutMs());
    String id = UUID.randomUUID().toString();
    // One thread for writes keeps them in stream order; commits queue behind the writes they cover.
    writes = vertx.createSharedWorkerExecutor("parley-search-write-" + id, 1, 5, TimeUnit.MINUTES);
    queries = vertx.createSharedWorkerExecutor("parley-search-query", options.queryThreads());
    MeterRegistry registry = Meters.registry();
    queryTimer = Timer.builder("parley_search_query").description("Search requests answered by this node's index")
        .publishPercentiles(0.5, 0.99).register(registry);
    indexedEvents = Counter.builder("parley_search_indexed_events_total")
        .description("Stream events applied to this node's index").register(registry);

    return writes.executeBlocking(() -> SearchIndex.open(options.indexPath(), options.ramBufferMb()))
        .recover(failure -> Future.failedFuture(failure instanceof LockObtainFailedException
            ? new ConfigException("key 'search.indexPath': " + options.indexPath()
                + " is in use by another search instance (deploy one per index directory)")
            : failure))
        .compose(opened -> {
          index = opened;
          follower = new EventFollower(vertx, settings, "search", this::apply);
          for (int shard = 0; shard < follower.shards(); shard++) {
            int position = shard;
            Gauge.builder("parley_search_watermark", follower, following -> following.watermarks()[position])
                .tag("shard", String.valueOf(shard))
                .description("Stream position (per MySQL shard) up to which this node's index is complete")
                .register(registry);
          }
          List<Future<?>> ready = new ArrayList<>();
          ready.add(HealthChecks.register(vertx, "search-index", this::indexCheck).onSuccess(consumers::add));
          if (KafkaSupport.enabled(settings)) {
            ready.add(KafkaSupport.admin(vertx, settings, "parley-search-admin-" + id).compose(admin -> {
              kafkaAdmin = admin;
              return HealthChecks.register(vertx, "kafka", () -> KafkaSupport.check(vertx, admin, settings))
                  .onSuccess(consumers::add);
            }));
          }
          return Future.all(ready);
        })
        .onSuccess(started -> {
          timers.add(vertx.setPeriodic(options.refreshMs(), tick -> refresh()));
          timers.add(vertx.setPeriodic(options.commitIntervalMs(), tick -> commit()));
          LOG.info("search verticle started, index at {} ({})", options.indexPath().toAbsolutePath(),
              index.found() == SearchIndex.Found.READY
                  ? "complete up to events " + Arrays.toString(index.openedWatermarks(follower.shards()))
                  : index.found() == SearchIndex.Found.CORRUPT ? "corrupt: rebuilding" : "missing: building");
          if (index.found() == SearchIndex.Found.READY) {
            resume(index.openedWatermarks(follower.shards()));
          } else {
            rebuild(false);
          }
        });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    timers.forEach(vertx::cancelTimer);
    Future<Void> following = follower == null ? Future.succeededFuture() : follower.stop();
    return following.eventually(() -> {
      List<Future<?>> closing = new ArrayList<>();
      consumers.forEach(consumer -> closing.add(consumer.address().startsWith(Addresses.HEALTH_CHECK_PREFIX)
          ? HealthChecks.unregister(vertx, castHealth(consumer)) : consumer.unregister()));
      closing.add(stopServing());
      if (kafkaAdmin != null) {
        closing.add(kafkaAdmin.close());
      }
      return Future.join(closing);
    }).eventually(() -> index == null ? Future.succeededFuture() : writes.executeBlocking(() -> {
      if (state == State.FOLLOWING) {
        index.commit(follower.watermarks());
      }
      index.close();
      return null;
    })).eventually(() -> {
      writes.close();
      queries.close();
      return Future.succeededFuture();
    });
  }

  @SuppressWarnings("unchecked")
  private static MessageConsumer<JsonObject> castHealth(MessageConsumer<?> consumer) {
    return (MessageConsumer<JsonObject>) consumer;
  }

  // --- following the stream -----------------------------------------------------------------------------------

  /**
   * Follows the stream from the stored positions, unless a shard's outbox no longer holds the events after its
   * position (pruned after events.retentionHours): then only a rebuild can make the index complete.
   */
  private void resume(long[] watermarks) {
    heads().onComplete(heads -> {
      if (stopped) {
        return;
      }
      if (heads.failed()) {
        blockedBy = heads.cause().getMessage();
        LOG.warn("search: cannot follow the stream yet ({}); retrying", blockedBy);
        vertx.setTimer(1000, id -> resume(watermarks));
        return;
      }
      for (int shard = 0; shard < watermarks.length; shard++) {
        long pruned = heads.result().get(shard).getLong("prunedUpTo", 0L);
        if (watermarks[shard] < pruned) {
          LOG.warn("search: the index stopped at event {} of shard {} but its outbox was pruned up to {}; rebuilding",
              watermarks[shard], shard, pruned);
          rebuild(true);
          return;
        }
      }
      follow(watermarks);
    });
  }

  private void follow(long[] watermarks) {
    state = State.FOLLOWING;
    serve();
    lastCommitted = watermarks;
    follower.start(watermarks).onFailure(failure -> LOG.error("search: cannot follow the stream", failure));
  }

  private Future<?> apply(List<MessageEvent> events) {
    return writes.executeBlocking(() -> {
      index.apply(events);
      return null;
    }).onSuccess(done -> indexedEvents.increment(events.size()));
  }

  private void commit() {
    if (state != State.FOLLOWING || stopped) {
      return;
    }
    long[] watermarks = follower.watermarks();
    writes.executeBlocking(() -> {
      if (index.hasUncommittedChanges() || !Arrays.equals(watermarks, lastCommitted)) {
        index.commit(watermarks);
      }
      return watermarks;
    }).onSuccess(committed -> lastCommitted = committed)
        .onFailure(failure -> LOG.error("search: committing the index failed", failure));
  }

  private void refresh() {
    if (!stopped) {
      queries.executeBlocking(() -> {
        index.refresh();
        return null;
      }, false).onFailure(failure -> LOG.warn("search: refreshing the reader failed: {}", failure.toString()));
    }
  }

  // --- rebuilding ---------------------------------------------------------------------------------------------

  /**
   * Builds the index from every stored message, then follows each shard's stream from a little below the newest
   * event id read before the scan began (events of transactions still running then have ids above that).
   */
  private void rebuild(boolean clear) {
    state = State.REBUILDING;
    stopServing();
    rebuilt.set(0);
    Future<Void> cleared = !clear ? Future.succeededFuture() : writes.executeBlocking(() -> {
      index.clear();
      return null;
    });
    cleared.compose(done -> heads()).onComplete(heads -> {
      if (stopped) {
        return;
      }
      if (heads.failed()) {
        LOG.warn("search: cannot rebuild yet ({}); retrying", heads.cause().getMessage());
        vertx.setTimer(1000, id -> rebuild(false));
        return;
      }
      long[] from = heads.result().stream()
          .mapToLong(head -> Math.max(0, head.getLong("maxId", 0L) - options.rebuildEventSlack())).toArray();
      long started = System.nanoTime();
      Future<Void> scanned = Future.succeededFuture();
      for (int shard = 0; shard < from.length; shard++) {
        int scanning = shard;
        scanned = scanned.compose(previous -> scan(scanning, 0, 0));
      }
      scanned.compose(done -> writes.executeBlocking(() -> {
        index.commit(from);
        return null;
      })).onComplete(done -> {
        if (stopped) {
          return;
        }
        if (done.failed()) {
          LOG.error("search: rebuilding the index failed; starting over", done.cause());
          vertx.setTimer(1000, id -> rebuild(true));
          return;
        }
        LOG.info("search: index rebuilt from MySQL: {} messages in {} ms; following the stream from events {}",
            rebuilt.get(), (System.nanoTime() - started) / 1_000_000, Arrays.toString(from));
        follow(from);
      });
    });
  }

  /** Reads and indexes pages of one shard's messages; a failing page is retried until persistence answers. */
  private Future<Void> scan(int shard, long afterRoom, long afterSeq) {
    if (stopped) {
      return Future.succeededFuture();
    }
    JsonObject page = new JsonObject().put("shard", shard).put("afterRoom", afterRoom).put("afterSeq", afterSeq)
        .put("limit", options.rebuildPageSize());
    return persistence(StreamActions.SCAN, page)
        .recover(failure -> {
          LOG.warn("search: rebuild page after ({}, {}) failed ({}); retrying", afterRoom, afterSeq,
              failure.toString());
          return vertx.timer(1000).compose(waited -> persistence(StreamActions.SCAN, page));
        })
        .compose(reply -> {
          JsonArray messages = reply.getJsonArray("messages");
          if (messages.isEmpty()) {
            return Future.succeededFuture();
          }
          return writes.executeBlocking(() -> {
            for (int i = 0; i < messages.size(); i++) {
              JsonObject message = messages.getJsonObject(i);
              index.add(message.getString("roomId"), message.getLong("seq"), message.getString("senderId"),
                  message.getLong("ts"), message.getString("text"));
            }
            return null;
          }).compose(done -> {
            rebuilt.addAndGet(messages.size());
            JsonObject last = messages.getJsonObject(messages.size() - 1);
            return messages.size() < options.rebuildPageSize() ? Future.succeededFuture()
                : scan(shard, Long.parseLong(last.getString("roomId")), last.getLong("seq"));
          });
        });
  }

  /** Each shard's outbox head, in shard order. */
  private Future<List<JsonObject>> heads() {
    List<Future<JsonObject>> heads = new ArrayList<>();
    for (int shard = 0; shard < follower.shards(); shard++) {
      heads.add(persistence(StreamActions.HEAD, new JsonObject().put("shard", shard)));
    }
    return Future.all(heads).map(all -> {
      heads.forEach(head -> follower.requireSameShards(head.result()));
      return heads.stream().map(Future::result).toList();
    });
  }

  /** Stream reads and cursor saves (a cursor never moves back): safe to repeat. */
  private Future<JsonObject> persistence(String action, JsonObject body) {
    return requests.idempotent(Addresses.PERSISTENCE_EVENTS, action, body);
  }

  private Future<?> indexCheck() {
    return switch (state) {
      case REBUILDING -> Future.failedFuture("the index is being rebuilt from MySQL (" + rebuilt.get()
          + " messages so far)");
      case STARTING -> Future.failedFuture(blockedBy == null ? "the index is opening"
          : "cannot follow the stream: " + blockedBy);
      case FOLLOWING -> Future.succeededFuture();
    };
  }

  // --- queries ------------------------------------------------------------------------------------------------

  /**
   * Starts taking queries. With several search nodes the event bus spreads queries over those registered, so a
   * node that is rebuilding sends nobody incomplete results; with none registered, searches answer 503.
   */
  private void serve() {
    if (queryConsumer == null && !stopped) {
      queryConsumer = vertx.eventBus().consumer(Addresses.SEARCH, this::onSearch);
    }
  }

  private Future<Void> stopServing() {
    MessageConsumer<JsonObject> consumer = queryConsumer;
    queryConsumer = null;
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private void onSearch(Message<JsonObject> request) {
    long started = System.nanoTime();
    JsonObject body = request.body() == null ? new JsonObject() : request.body();
    Future<JsonObject> answer;
    try {
      answer = search(body);
    } catch (RuntimeException invalid) {
      answer = Future.failedFuture(invalid);
    }
    answer.onSuccess(hits -> {
      queryTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      request.reply(hits);
    }).onFailure(failure -> {
      if (!(failure instanceof ParleyException) && !(failure instanceof io.vertx.core.eventbus.ReplyException)) {
        LOG.error("search: query failed", failure);
      }
      ParleyException.fail(request, failure);
    });
  }

  private Future<JsonObject> search(JsonObject body) {
    String userId = body.getString("userId");
    Object rawQuery = body.getValue("q");
    if (!(rawQuery instanceof String text) || text.isBlank()) {
      throw ParleyException.badRequest("q", "q is required");
    }
    String query = text.strip();
    if (query.codePointCount(0, query.length()) > options.maxQueryChars()) {
      throw ParleyException.badRequest("q", "q must be at most " + options.maxQueryChars() + " characters");
    }
    Object rawLimit = body.getValue("limit");
    int limit;
    if (rawLimit == null) {
      limit = options.defaultLimit();
    } else if (rawLimit instanceof Number number && number.doubleValue() == number.longValue()
        && number.longValue() >= 1 && number.longValue() <= options.maxLimit()) {
      limit = number.intValue();
    } else {
      throw ParleyException.badRequest("limit", "limit must be between 1 and " + options.maxLimit());
    }
    Object rawRoom = body.getValue("roomId");
    if (rawRoom != null && (!(rawRoom instanceof String room) || room.isBlank())) {
      throw ParleyException.badRequest("roomId", "roomId must be a room id");
    }
    if (state == State.REBUILDING || state == State.STARTING) {
      throw new ParleyException(ErrorCode.UNAVAILABLE, "the search index is being rebuilt, retry later");
    }
    String roomId = (String) rawRoom;
    Future<List<String>> rooms = roomId != null
        // A member, or anyone for a public room; a private room the caller cannot see fails 404.
        ? this.<JsonObject>rooms(RoomActions.GET, new JsonObject().put("userId", userId).put("roomId", roomId))
            .map(room -> List.of(roomId))
        : this.<JsonObject>rooms(RoomActions.USER_ROOMS, new JsonObject().put("userId", userId))
            .map(reply -> reply.getJsonArray("roomIds").stream().map(String::valueOf).toList());
    long halfLifeMs = options.recencyHalfLifeHours() * 3_600_000L;
    return rooms.compose(roomIds -> queries.executeBlocking(() ->
            index.search(query, roomIds, limit, System.currentTimeMillis(), halfLifeMs), false))
        .map(hits -> {
          JsonArray array = new JsonArray();
          for (SearchIndex.Hit hit : hits) {
            array.add(new JsonObject()
                .put("id", hit.id())
                .put("roomId", hit.roomId())
                .put("seq", hit.seq())
                .put("senderId", hit.senderId())
                .put("text", hit.text())
                .put("ts", hit.ts())
                .put("highlight", hit.highlight()));
          }
          return new JsonObject().put("hits", array);
        });
  }

  private <T> Future<T> rooms(String action, JsonObject body) {
    return requests.idempotent(Addresses.ROOMS, action, body);
  }
}
