package dev.parley.search;

import dev.parley.analysis.ChatAnalyzer;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full-text search over messages, fed by the message event stream, on one of two engines ({@code search.engine}):
 * a Lucene index on this node's disk ({@link LuceneEngine}, Korean by morpheme with Nori, Latin words stemmed —
 * {@link ChatAnalyzer}) or an OpenSearch cluster with the same analysis ({@link OpenSearchEngine}).
 *
 * <p>The verticle follows the whole stream ({@link EventFollower}); the engine stores the stream position it
 * covers with the documents, so a restarted node catches up from MySQL exactly from there. A missing, unfinished
 * or corrupt index, or one whose position belongs to another stream or is ahead of it ({@link StreamCheck}), is
 * rebuilt in the background from every stored message (then the stream is followed from a little below the
 * newest event id seen when the rebuild began); the check {@code search-index} fails meanwhile, saying why, and
 * the node takes no queries (other search nodes answer them; with none, searches answer 503).
 *
 * <p>Queries: the caller's rooms come from the rooms verticle (cached membership), never from the rooms
 * tables; only those rooms are searched, or the one room named by {@code roomId} if the caller may see it
 * (member, or public room).
 */
public final class SearchVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SearchVerticle.class);
  private enum State { STARTING, REBUILDING, FOLLOWING }

  private Settings settings;
  private SearchSettings options;
  private SearchEngine engine;
  private EventFollower follower;
  private MessageScan scan;
  private volatile State state = State.STARTING;
  /** Why the index cannot start following yet (persistence away, shard lists that differ), for the health check. */
  private volatile String blockedBy;
  /** Why the index is being rebuilt, for the health check and the logs. */
  private volatile String rebuildReason;
  private final AtomicLong rebuilt = new AtomicLong();
  /** The stream identities the index follows, from persistence's head (one per shard). */
  private List<String> identities = List.of();
  private boolean reindexing;
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
    scan = new MessageScan(vertx, requests, options.rebuildPageSize(), () -> stopped);
    engine = options.openSearch() == null ? new LuceneEngine(vertx, options)
        : new OpenSearchEngine(vertx, options, options.openSearch());
    MeterRegistry registry = Meters.registry();
    queryTimer = Timer.builder("parley_search_query").description("Search requests answered by this node's index")
        .tag("engine", engine.name()).publishPercentiles(0.5, 0.99).register(registry);
    indexedEvents = Counter.builder("parley_search_indexed_events_total").tag("engine", engine.name())
        .description("Stream events applied to this node's index").register(registry);

    return engine.open()
        .compose(opened -> {
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
          if (engine instanceof OpenSearchEngine openSearch) {
            ready.add(HealthChecks.register(vertx, "opensearch", openSearch::check).onSuccess(consumers::add));
          }
          MessageConsumer<JsonObject> reindex = vertx.eventBus().consumer(Addresses.SEARCH_REINDEX,
              this::onReindex);
          consumers.add(reindex);
          ready.add(reindex.completion());
          if (KafkaSupport.enabled(settings)) {
            String id = UUID.randomUUID().toString();
            ready.add(KafkaSupport.admin(vertx, settings, "parley-search-admin-" + id).compose(admin -> {
              kafkaAdmin = admin;
              return HealthChecks.register(vertx, "kafka", () -> KafkaSupport.check(vertx, admin, settings))
                  .onSuccess(consumers::add);
            }));
          }
          return Future.all(ready).map(opened);
        })
        .onSuccess(opened -> {
          timers.add(vertx.setPeriodic(options.commitIntervalMs(), tick -> save()));
          LOG.info("search verticle started on the {} engine ({})", engine.name(), switch (opened.found()) {
            case READY -> "index complete up to " + opened.position();
            case CORRUPT -> "index corrupt: rebuilding";
            case MISSING -> "no index: building";
          });
          if (opened.found() == SearchEngine.Found.READY) {
            resume(opened.position());
          } else {
            rebuild(opened.found() == SearchEngine.Found.CORRUPT ? "the index was corrupt" : "there was no index");
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
    }).eventually(() -> engine.close(state == State.FOLLOWING ? position() : null));
  }

  @SuppressWarnings("unchecked")
  private static MessageConsumer<JsonObject> castHealth(MessageConsumer<?> consumer) {
    return (MessageConsumer<JsonObject>) consumer;
  }

  // --- following the stream -----------------------------------------------------------------------------------

  /**
   * Follows the stream from the stored position, unless it cannot be trusted: the index followed another stream
   * (a database created anew, another database), its position is ahead of the outbox (a backup restored), or a
   * shard's outbox no longer holds the events after it (pruned after events.retentionHours). Then only a
   * rebuild makes the index complete.
   */
  private void resume(StreamPosition stored) {
    heads().onComplete(heads -> {
      if (stopped) {
        return;
      }
      if (heads.failed()) {
        blockedBy = heads.cause().getMessage();
        LOG.warn("search: cannot follow the stream yet ({}); retrying", blockedBy);
        vertx.setTimer(1000, id -> resume(stored));
        return;
      }
      long[] watermarks = Arrays.copyOf(stored.watermarks(), follower.shards());
      String distrust = StreamCheck.distrust(stored, heads.result());
      if (distrust != null) {
        LOG.warn("search: {}; rebuilding the index", distrust);
        rebuild(distrust);
        return;
      }
      identities = StreamCheck.identities(heads.result());
      follow(watermarks);
    });
  }

  private void follow(long[] watermarks) {
    state = State.FOLLOWING;
    rebuildReason = null;
    serve();
    follower.start(watermarks).onFailure(failure -> LOG.error("search: cannot follow the stream", failure));
  }

  private Future<?> apply(List<MessageEvent> events) {
    return engine.apply(events).onSuccess(done -> indexedEvents.increment(events.size()));
  }

  /** Where the index stands now: the follower's watermarks in the streams it follows. */
  private StreamPosition position() {
    return new StreamPosition(follower.watermarks(), identities);
  }

  private void save() {
    if (state != State.FOLLOWING || stopped) {
      return;
    }
    engine.save(position()).onFailure(failure -> LOG.error("search: storing the index position failed", failure));
  }

  // --- rebuilding ---------------------------------------------------------------------------------------------

  /**
   * Builds the index from every stored message, then follows each shard's stream from a little below the newest
   * event id read before the scan began (events of transactions still running then have ids above that).
   */
  private void rebuild(String reason) {
    state = State.REBUILDING;
    rebuildReason = reason;
    stopServing();
    rebuilt.set(0);
    long started = System.nanoTime();
    heads().compose(heads -> {
      identities = StreamCheck.identities(heads);
      long[] from = StreamCheck.rebuildFrom(heads, options.rebuildEventSlack());
      return engine.startRebuild(false)
          .compose(empty -> scanAll(from))
          .compose(done -> engine.finishRebuild(new StreamPosition(from, identities)))
          .map(from);
    }).onComplete(done -> {
      if (stopped) {
        return;
      }
      if (done.failed()) {
        LOG.warn("search: rebuilding the index failed ({}); starting over", done.cause().toString());
        vertx.setTimer(1000, id -> rebuild(reason));
        return;
      }
      LOG.info("search: {} index rebuilt from MySQL: {} messages in {} ms; following the stream from events {}",
          engine.name(), rebuilt.get(), (System.nanoTime() - started) / 1_000_000, Arrays.toString(done.result()));
      follow(done.result());
    });
  }

  /** Every shard's messages into the index being built, scanned below the positions {@code from}. */
  private Future<Void> scanAll(long[] from) {
    Future<Void> scanned = Future.succeededFuture();
    for (int shard = 0; shard < from.length; shard++) {
      int scanning = shard;
      scanned = scanned.compose(previous -> scan.scan(scanning, messages -> engine.addScanned(messages,
          from[scanning]).onSuccess(added -> rebuilt.addAndGet(messages.size()))).mapEmpty());
    }
    return scanned;
  }

  /**
   * A rebuild while the current index keeps serving and following the stream (engines that can: OpenSearch
   * builds a new index and switches its alias). Answers {@code {engine, messages}} when the new index serves.
   */
  private void onReindex(Message<JsonObject> request) {
    if (state != State.FOLLOWING || reindexing) {
      ParleyException.fail(request, new ParleyException(ErrorCode.UNAVAILABLE,
          "the index is not following the stream, or is being rebuilt"));
      return;
    }
    reindexing = true;
    rebuilt.set(0);
    heads().compose(heads -> {
      long[] from = StreamCheck.rebuildFrom(heads, options.rebuildEventSlack());
      return engine.startRebuild(true).compose(empty -> scanAll(from)).compose(done -> engine.finishRebuild(position()));
    }).onComplete(done -> {
      reindexing = false;
      if (done.failed()) {
        LOG.warn("search: reindex failed: {}", done.cause().toString());
        ParleyException.fail(request, new ParleyException(ErrorCode.UNAVAILABLE, "reindex failed: "
            + done.cause().getMessage()));
      } else {
        LOG.info("search: reindexed {} messages into a new {} index", rebuilt.get(), engine.name());
        request.reply(new JsonObject().put("engine", engine.name()).put("messages", rebuilt.get()));
      }
    });
  }

  /** Each shard's outbox head, in shard order. */
  private Future<List<JsonObject>> heads() {
    List<Future<JsonObject>> heads = new ArrayList<>();
    for (int shard = 0; shard < follower.shards(); shard++) {
      heads.add(requests.idempotent(Addresses.PERSISTENCE_EVENTS, StreamActions.HEAD,
          new JsonObject().put("shard", shard)));
    }
    return Future.all(heads).map(all -> {
      heads.forEach(head -> follower.requireSameShards(head.result()));
      return heads.stream().map(Future::result).toList();
    });
  }

  private Future<?> indexCheck() {
    return switch (state) {
      case REBUILDING -> Future.failedFuture("the " + engine.name() + " index is being rebuilt from MySQL ("
          + rebuildReason + "; " + rebuilt.get() + " messages so far)");
      case STARTING -> Future.failedFuture(blockedBy == null ? "the " + engine.name() + " index is opening"
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
      answer = search(SearchRequest.parse(body, options));
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

  private Future<JsonObject> search(SearchRequest query) {
    if (state != State.FOLLOWING) {
      throw new ParleyException(ErrorCode.UNAVAILABLE, "the search index is being rebuilt, retry later");
    }
    String roomId = query.roomId();
    String userId = query.userId();
    Future<List<String>> rooms = roomId != null
        // A member, or anyone for a public room; a private room the caller cannot see fails 404.
        ? this.<JsonObject>rooms(RoomActions.GET, new JsonObject().put("userId", userId).put("roomId", roomId))
            .map(room -> List.of(roomId))
        : this.<JsonObject>rooms(RoomActions.USER_ROOMS, new JsonObject().put("userId", userId))
            .map(reply -> reply.getJsonArray("roomIds").stream().map(String::valueOf).toList());
    long halfLifeMs = options.recencyHalfLifeHours() * 3_600_000L;
    return rooms.compose(roomIds -> engine.search(query.query(), roomIds, query.limit(), System.currentTimeMillis(),
            halfLifeMs))
        .map(hits -> {
          JsonArray array = new JsonArray();
          for (SearchIndex.Hit hit : hits) {
            JsonObject shown = new JsonObject()
                .put("id", hit.id())
                .put("roomId", hit.roomId())
                .put("seq", hit.seq())
                .put("senderId", hit.senderId())
                .put("text", hit.text())
                .put("ts", hit.ts())
                .put("highlight", hit.highlight());
            if (hit.attachments() != null) {
              shown.put("attachments", hit.attachments());
            }
            if (hit.bot()) {
              shown.put("bot", true);
            }
            array.add(shown);
          }
          return new JsonObject().put("hits", array);
        });
  }

  private <T> Future<T> rooms(String action, JsonObject body) {
    return requests.idempotent(Addresses.ROOMS, action, body);
  }
}
