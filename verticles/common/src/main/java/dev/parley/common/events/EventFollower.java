package dev.parley.common.events;

import dev.parley.common.Meters;
import dev.parley.common.Settings;
import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.MessageEvent;
import dev.parley.contract.MessageEvents;
import dev.parley.contract.StreamActions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer's view of the message event stream: every committed event reaches its {@link Sink} at least once,
 * in an order that leaves the sink with each message's latest state, whatever the live transport lost.
 *
 * <p>How:
 * <ol>
 *   <li>The live stream (Kafka, every partition assigned to this consumer and read from its end, or the
 *   clustered event-bus address when Kafka is off) is opened first.</li>
 *   <li>Then the consumer catches up from MySQL (through persistence) from its stored watermark, page by page,
 *   while live events wait in a bounded buffer; they are applied after the catch-up (if the buffer overflows it
 *   is dropped and the catch-up runs again from where it stopped). Every event read from MySQL was committed
 *   before it was read, so it was either published before the live stream opened (then the catch-up sees it)
 *   or after (then the buffer has it).</li>
 *   <li>In live mode each batch goes to the sink in arrival order. The {@link EventWatermark} notes what was
 *   handled; ids missing for longer than {@code events.gapRecheckMs} are looked up in MySQL (a live event lost
 *   on the way, or a transaction that committed late) until the gap times out; and every
 *   {@code events.tailCheckMs} the newest id in MySQL is compared with the highest handled one — if the
 *   consumer is still behind a head it saw one check earlier, it catches up again.</li>
 * </ol>
 * Events are snapshots of the message as stored when read, so applying them in stream order (and MySQL
 * snapshots before the live events that follow them) converges on the current state. Sinks must be idempotent:
 * an event can arrive twice (live and from MySQL, or after a restart from the stored watermark).
 *
 * <p>With several MySQL shards ({@link StreamSettings#shards()}) each shard's outbox has ids of its own: the
 * live stream is opened once and its events go to one {@link ShardCursor} per shard, which does all of the above
 * for its shard with its own watermark. Positions are therefore one per shard.
 *
 * <p>Everything runs on the owning verticle's event loop. The sink is called one batch at a time.
 */
public final class EventFollower {

  private static final Logger LOG = LoggerFactory.getLogger(EventFollower.class);
  /** Open gaps re-checked per query. */
  private static final int MAX_GAPS_PER_CHECK = 100;

  /** Where events go. Must be idempotent; a failed future leaves the events unhandled (they come again). */
  @FunctionalInterface
  public interface Sink {
    Future<?> apply(List<MessageEvent> events);
  }

  private final Vertx vertx;
  private final Settings settings;
  private final StreamSettings options;
  private final String name;
  private final Sink sink;
  private final ServiceRequests toPersistence;

  private final List<ShardCursor> shards = new ArrayList<>();
  private Future<Void> applying = Future.succeededFuture();
  private int pendingApplies;
  private long timer = -1;
  private boolean stopped;
  private MessageConsumer<MessageEvents> busConsumer;
  private KafkaConsumer<String, String> kafka;
  private long applied;
  private long dropped;
  private final Counter fromLive;
  private final Counter fromMySql;

  /**
   * @param name the consumer's name in logs and Kafka client ids ({@code search}, {@code notifier})
   */
  public EventFollower(Vertx vertx, Settings settings, String name, Sink sink) {
    this.vertx = vertx;
    this.settings = settings;
    this.options = StreamSettings.from(settings);
    this.name = name;
    this.sink = sink;
    this.toPersistence = new ServiceRequests(vertx, options.requestTimeoutMs());
    MeterRegistry registry = Meters.registry();
    this.fromLive = Counter.builder("parley_stream_events_total").tag("consumer", name).tag("source", "live")
        .description("Stream events a consumer applied, by where it got them (live stream or MySQL)")
        .register(registry);
    this.fromMySql = Counter.builder("parley_stream_events_total").tag("consumer", name).tag("source", "mysql")
        .description("Stream events a consumer applied, by where it got them (live stream or MySQL)")
        .register(registry);
  }

  /** How many shards, and so positions, this follower tracks. */
  public int shards() {
    return options.shards();
  }

  /**
   * Fails when persistence's {@code head} answer counts other shards than this node's {@code mysql.shards}: a
   * reader with a different list would skip a shard's events or mix two shards' ids. Readers check it before
   * they start following, and stay not ready until the lists agree.
   */
  public void requireSameShards(JsonObject head) {
    int theirs = head.getInteger("shards", 1);
    if (theirs != options.shards()) {
      throw new IllegalStateException("persistence has " + theirs + " MySQL shards but this node's mysql.shards lists "
          + options.shards() + "; every node must list the same shards");
    }
  }

  /**
   * Opens the live stream and starts catching up each shard from its position in {@code positions} (every event
   * of shard k up to {@code positions[k]} was handled before; {@link #shards()} entries). Completes once the live
   * stream is subscribed; the catch-up goes on in the background (see {@link #caughtUp()}), retrying while
   * persistence is away.
   */
  public Future<Void> start(long[] positions) {
    if (positions.length != options.shards()) {
      throw new IllegalArgumentException(options.shards() + " positions expected, not " + positions.length);
    }
    for (int shard = 0; shard < positions.length; shard++) {
      shards.add(new ShardCursor(shard, positions[shard]));
    }
    return openLive().onSuccess(open -> {
      timer = vertx.setPeriodic(Math.max(100, Math.min(options.gapRecheckMs(), options.tailCheckMs()) / 2),
          id -> shards.forEach(ShardCursor::tick));
      shards.forEach(cursor -> cursor.catchUp(cursor.start));
    });
  }

  /** Completes when the first catch-up from MySQL has finished on every shard. */
  public Future<Void> caughtUp() {
    return Future.all(shards.stream().map(cursor -> cursor.caughtUp.future()).toList()).mapEmpty();
  }

  /** True until the first catch-up from MySQL has finished on every shard. */
  public boolean catchingUp() {
    return shards.isEmpty() || shards.stream().anyMatch(cursor -> !cursor.caughtUp.future().isComplete());
  }

  /**
   * Per shard, every event up to this id has been applied (or given up as a gap): the positions to store.
   * Zeros before {@link #start}.
   */
  public long[] watermarks() {
    long[] positions = new long[options.shards()];
    shards.forEach(cursor -> positions[cursor.shard] = cursor.watermark.low());
    return positions;
  }

  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    Future<Void> bus = busConsumer == null ? Future.succeededFuture() : busConsumer.unregister();
    Future<Void> closed = kafka == null ? Future.succeededFuture() : kafka.close();
    // Whatever is being applied finishes first, so the caller can store a watermark that covers it.
    return Future.join(bus, closed).transform(done -> applying);
  }

  // --- live ---------------------------------------------------------------------------------------------------

  private Future<Void> openLive() {
    if (!KafkaSupport.enabled(settings)) {
      busConsumer = vertx.eventBus().consumer(Addresses.MESSAGE_EVENTS, message -> onLive(message.body().events()));
      return busConsumer.completion();
    }
    return KafkaSupport.consumer(vertx, settings, "parley-" + name + "-" + java.util.UUID.randomUUID())
        .compose(consumer -> {
          kafka = consumer;
          consumer.exceptionHandler(failure -> LOG.warn("{}: Kafka consumer: {}", name, failure.toString()));
          consumer.handler(record -> {
          });
          consumer.batchHandler(this::onKafka);
          Promise<Void> assigned = Promise.promise();
          assign(assigned, 0);
          // Assignment waits for the topic (the relay creates it); MySQL covers everything meanwhile, so the
          // start does not wait longer than one attempt.
          return Future.any(assigned.future(), vertx.timer(options.requestTimeoutMs())).<Void>mapEmpty()
              .otherwiseEmpty();
        });
  }

  /** Assigns every partition of the topic and moves to its end (evaluated now, not lazily at the next poll). */
  private void assign(Promise<Void> assigned, int attempt) {
    if (stopped) {
      return;
    }
    String topic = KafkaSupport.topic(settings);
    kafka.partitionsFor(topic)
        .compose(partitions -> {
          if (partitions.isEmpty()) {
            return Future.failedFuture("topic " + topic + " does not exist yet");
          }
          Set<TopicPartition> all = partitions.stream()
              .map(info -> new TopicPartition(topic, info.getPartition())).collect(Collectors.toSet());
          return kafka.assign(all).compose(done -> kafka.seekToEnd(all)).compose(done -> {
            List<Future<Long>> positions = new ArrayList<>();
            all.forEach(partition -> positions.add(kafka.position(partition)));
            return Future.all(positions);
          }).map(all.size());
        })
        .onSuccess(count -> {
          LOG.info("{}: following Kafka topic {} ({} partitions)", name, topic, count);
          assigned.tryComplete();
        })
        .onFailure(failure -> {
          if (attempt == 0 || attempt % 30 == 0) {
            LOG.warn("{}: cannot follow Kafka topic {} yet ({}); MySQL covers meanwhile", name, topic,
                failure.getMessage());
          }
          vertx.setTimer(Math.max(options.retryMs(), 1000), id -> assign(assigned, attempt + 1));
        });
  }

  private void onKafka(KafkaConsumerRecords<String, String> records) {
    List<MessageEvent> events = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      String value = records.recordAt(i).value();
      try {
        events.add(MessageEvent.fromJson(new JsonObject(value)));
      } catch (DecodeException | ClassCastException | NullPointerException malformed) {
        LOG.warn("{}: skipping a malformed record at offset {}", name, records.recordAt(i).offset());
      }
    }
    if (!events.isEmpty()) {
      onLive(events);
    }
  }

  /** Live events to the cursor of their shard; events of a shard this node does not know are not ours to track. */
  private void onLive(List<MessageEvent> events) {
    if (stopped) {
      return;
    }
    java.util.Map<Integer, List<MessageEvent>> byShard = new java.util.TreeMap<>();
    for (MessageEvent event : events) {
      byShard.computeIfAbsent(event.shard(), shard -> new ArrayList<>()).add(event);
    }
    byShard.forEach((shard, ofShard) -> {
      if (shard >= 0 && shard < shards.size()) {
        shards.get(shard).onLive(ofShard);
      } else {
        LOG.warn("{}: {} events of shard {}, but mysql.shards lists {}", name, ofShard.size(), shard, shards.size());
      }
    });
  }

  /** One shard's outbox as this follower reads it: position, catch-up, gap re-checks and tail checks. */
  private final class ShardCursor {

    private final int shard;
    private final long start;
    private final EventWatermark watermark;
    /** Live events are held back while events read from MySQL are applied (catch-up, gap re-checks). */
    private boolean paused = true;
    private final ArrayDeque<List<MessageEvent>> buffer = new ArrayDeque<>();
    private int buffered;
    private boolean overflowed;
    private boolean checkingGaps;
    private long observedHead = -1;
    /** The newest outbox id of the last tail check, for the lag gauge (0 before the first check). */
    private long latestHead;
    private final Promise<Void> caughtUp = Promise.promise();

    ShardCursor(int shard, long start) {
      this.shard = shard;
      this.start = start;
      this.watermark = new EventWatermark(start, options.gapTimeoutMs());
      Gauge.builder("parley_stream_lag_events", this, ShardCursor::lag).tag("consumer", name)
          .tag("shard", String.valueOf(shard))
          .description("Outbox events a stream consumer has not applied: the newest id its tail check saw minus its"
              + " watermark")
          .register(Meters.registry());
    }

    private double lag() {
      return Math.max(0, latestHead - watermark.low());
    }

    private void onLive(List<MessageEvent> events) {
      if (paused) {
        if (overflowed) {
          return;
        }
        if (buffered + events.size() > options.maxBuffered()) {
          // Too far behind to keep everything: drop it and read it from MySQL in another catch-up round.
          overflowed = true;
          dropped += buffered + events.size();
          buffer.clear();
          buffered = 0;
          return;
        }
        buffer.add(events);
        buffered += events.size();
        return;
      }
      if (pendingApplies >= options.maxPendingApplies()) {
        // The sink is slower than the stream: these come back through the gap re-check or the tail check.
        dropped += events.size();
        return;
      }
      enqueue(events, true);
    }

    // --- applying -----------------------------------------------------------------------------------------------

    /** Queues events for the sink (one batch at a time, all shards), skipping those handled already. */
    private Future<Void> enqueue(List<MessageEvent> events, boolean live) {
      pendingApplies++;
      Future<Void> done = applying.compose(previous -> {
        List<MessageEvent> fresh = new ArrayList<>(events.size());
        for (MessageEvent event : events) {
          if (!watermark.contains(event.id())) {
            fresh.add(event);
          }
        }
        if (fresh.isEmpty()) {
          return Future.<Void>succeededFuture();
        }
        return sink.apply(fresh).map(result -> {
          long now = System.currentTimeMillis();
          fresh.forEach(event -> watermark.handled(event.id(), event.at(), now));
          applied += fresh.size();
          (live ? fromLive : fromMySql).increment(fresh.size());
          return (Void) null;
        });
      });
      applying = done.otherwise(failure -> {
        LOG.warn("{}: applying {} events of shard {} failed ({}); they will be read again", name, events.size(), shard,
            failure.toString());
        return null;
      }).onComplete(finished -> pendingApplies--);
      return done;
    }

    // --- catch-up -----------------------------------------------------------------------------------------------

    /** Reads pages from MySQL after {@code after} until a short page, then applies what the live stream held. */
    private void catchUp(long after) {
      paused = true;
      readPages(after).onComplete(result -> {
        if (stopped) {
          return;
        }
        if (result.failed()) {
          LOG.warn("{}: catching up shard {} from event {} failed ({}); retrying", name, shard, after,
              result.cause().toString());
          vertx.setTimer(options.retryMs(), id -> catchUp(after));
          return;
        }
        resume(result.result());
      });
    }

    /**
     * Ends a pause: if live events had to be dropped meanwhile, catches up again from {@code reached} (the ids
     * dropped below it are gaps and get re-checked); else applies the held live events, in arrival order.
     */
    private void resume(long reached) {
      if (overflowed) {
        overflowed = false;
        LOG.info("{}: live events overflowed the buffer while reading MySQL; catching up shard {} from {}", name,
            shard, reached);
        catchUp(reached);
        return;
      }
      List<List<MessageEvent>> waiting = new ArrayList<>(buffer);
      buffer.clear();
      buffered = 0;
      paused = false;
      Future<Void> drained = Future.succeededFuture();
      for (List<MessageEvent> events : waiting) {
        drained = enqueue(events, true);
      }
      if (!caughtUp.future().isComplete()) {
        drained.onComplete(done -> {
          LOG.info("{}: caught up shard {} to event {} ({} applied)", name, shard, watermark.high(), applied);
          caughtUp.tryComplete();
        });
      }
    }

    /** Catch-up pages; the future holds the last id read. */
    private Future<Long> readPages(long after) {
      if (stopped) {
        return Future.succeededFuture(after);
      }
      return read(new JsonObject().put("after", after).put("limit", options.pageSize())).compose(events -> {
        if (events.isEmpty()) {
          return Future.succeededFuture(after);
        }
        long last = events.get(events.size() - 1).id();
        return enqueue(events, false).compose(done -> events.size() < options.pageSize()
            ? Future.succeededFuture(last) : readPages(last));
      });
    }

    private Future<List<MessageEvent>> read(JsonObject request) {
      return toPersistence.<JsonObject>idempotent(Addresses.PERSISTENCE_EVENTS, StreamActions.READ,
              request.put("shard", shard))
          .map(body -> MessageEvents.list(body.getJsonArray("events")));
    }

    // --- safety nets --------------------------------------------------------------------------------------------

    private void tick() {
      if (stopped || paused) {
        return;
      }
      long now = System.currentTimeMillis();
      watermark.advance(now);
      recheckGaps(now);
      checkTail(now);
    }

    private long lastGapCheck;

    /** Looks up ids missing for longer than gapRecheckMs: a lost live event, or a late commit. */
    private void recheckGaps(long now) {
      if (checkingGaps || now - lastGapCheck < options.gapRecheckMs()) {
        return;
      }
      List<EventWatermark.Gap> gaps = watermark.gaps(now, MAX_GAPS_PER_CHECK).stream()
          .filter(gap -> gap.ageMs() >= options.gapRecheckMs()).toList();
      if (gaps.isEmpty()) {
        return;
      }
      lastGapCheck = now;
      checkingGaps = true;
      JsonArray ranges = new JsonArray();
      gaps.forEach(gap -> ranges.add(new JsonArray().add(gap.from()).add(gap.to())));
      // Held back like a catch-up: live snapshots read after these must not be applied before them.
      paused = true;
      long reached = watermark.high();
      read(new JsonObject().put("ranges", ranges).put("limit", options.pageSize()))
          .compose(events -> events.isEmpty() ? Future.succeededFuture() : enqueue(events, false))
          .onComplete(done -> {
            checkingGaps = false;
            if (done.failed()) {
              LOG.debug("{}: gap re-check failed: {}", name, done.cause().toString());
            }
            if (!stopped) {
              resume(reached);
            }
          });
    }

    private long lastTailCheck;

    /** Catches up if the newest id MySQL had one check ago is still not handled: the live stream lost it. */
    private void checkTail(long now) {
      if (now - lastTailCheck < options.tailCheckMs()) {
        return;
      }
      lastTailCheck = now;
      toPersistence.<JsonObject>idempotent(Addresses.PERSISTENCE_EVENTS, StreamActions.HEAD,
              new JsonObject().put("shard", shard))
          .map(reply -> reply.getLong("maxId", 0L))
          .onSuccess(head -> {
            latestHead = head;
            if (stopped || paused) {
              return;
            }
            long high = watermark.high();
            if (observedHead > high) {
              LOG.info("{}: live stream behind MySQL on shard {} (handled up to {}, MySQL had {}); catching up", name,
                  shard, high, observedHead);
              observedHead = -1;
              catchUp(high);
            } else {
              observedHead = head;
            }
          })
          .onFailure(failure -> LOG.debug("{}: head check failed: {}", name, failure.toString()));
    }
  }
}
