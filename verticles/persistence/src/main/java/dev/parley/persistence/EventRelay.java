package dev.parley.persistence;

import dev.parley.common.HealthChecks;
import dev.parley.common.LeaderLock;
import dev.parley.common.Meters;
import dev.parley.common.Settings;
import dev.parley.common.events.EventWatermark;
import dev.parley.common.events.KafkaSupport;
import dev.parley.common.events.StreamSettings;
import dev.parley.contract.Addresses;
import dev.parley.contract.MessageEvent;
import dev.parley.contract.MessageEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays the outbox (message_events) to the stream: to Kafka ({@code kafka.enabled}: topic
 * {@code <kafka.topicPrefix>messages}, keyed by room id, idempotent producer with {@code acks=all}) or else to
 * the clustered event-bus address {@link Addresses#MESSAGE_EVENTS}.
 *
 * <p>Every persistence instance runs one per shard, but only the holder of a MySQL named lock relays (one relay
 * per database, whichever nodes run persistence: {@link LeaderLock}); the lock lives on a dedicated connection, so
 * it is released the moment its node dies and another instance takes over within {@code events.relayLeaderRetryMs}.
 *
 * <p>The relay reads rows after the highest id it has published, in id order, and publishes each page with a
 * snapshot of its messages. Ids that commit out of order leave gaps behind; an {@link EventWatermark} tracks
 * them, the relay looks them up again until they appear or time out, and stores its low watermark in
 * stream_cursors ({@code relay}), from which a new leader resumes (republishing a little: consumers are
 * idempotent). A page is done only when every record of it is acknowledged; a failed page is read and sent
 * again. The relay also prunes outbox rows older than {@code events.retentionHours} that it has published.
 */
final class EventRelay {

  private static final Logger LOG = LoggerFactory.getLogger(EventRelay.class);
  static final String CURSOR = "relay";
  /** The stream_cursors row saying up to which id the outbox was pruned: consumers behind it must rebuild. */
  static final String PRUNED = "pruned";
  private static final String FIRST_KEPT = "SELECT MIN(id) AS min_id FROM message_events";
  private static final String PRUNE_PROBE = "SELECT MAX(id) AS max_id, MAX(created_at) AS newest FROM"
      + " (SELECT id, created_at FROM message_events WHERE id <= ? ORDER BY id LIMIT ?) oldest";
  private static final String PRUNE = "DELETE FROM message_events WHERE id <= ? AND created_at < ?";
  private static final int PRUNE_CHUNK = 5000;
  private static final int MAX_GAP_RANGES = 100;

  private final Vertx vertx;
  private final Settings settings;
  private final StreamSettings options;
  private final MysqlConfig mysql;
  private final Pool pool;
  private final EventLog log;
  private final boolean kafkaEnabled;
  private final String topic;
  private final Counter relayed;
  private final RelayLag lag;
  private final long gapCheckMs;
  private static final AtomicInteger LEADERS = new AtomicInteger();

  private KafkaAdminClient admin;
  private KafkaProducer<String, String> producer;
  private boolean topicReady;
  private MessageConsumer<JsonObject> kafkaCheck;
  private final LeaderLock lock;
  private boolean leader;
  private boolean stopped;
  private EventWatermark watermark;
  private long next;
  private long lastSaved = -1;
  private final List<Long> timers = new ArrayList<>();

  EventRelay(Vertx vertx, Settings settings, MysqlConfig mysql, Pool pool, EventLog log) {
    this.vertx = vertx;
    this.settings = settings;
    this.options = StreamSettings.from(settings);
    this.mysql = mysql;
    this.pool = pool;
    this.log = log;
    this.kafkaEnabled = KafkaSupport.enabled(settings);
    this.topic = KafkaSupport.topic(settings);
    this.gapCheckMs = settings.integer("events.relayGapCheckMs", 250);
    this.lock = new LeaderLock(vertx, mysql.connectOptions(mysql.database()), "parley_event_relay_" + mysql.database(),
        settings.integer("events.relayLeaderRetryMs", 2000), 5000, new LeaderLock.Listener() {
          @Override
          public void leading(long term) {
            lead(term);
          }

          @Override
          public void resigned(String why) {
            EventRelay.this.resigned(why);
          }
        });
    MeterRegistry registry = Meters.registry();
    this.relayed = Counter.builder("parley_events_relayed_total")
        .description("Outbox events this node's relay published (Kafka or event bus)")
        .register(registry);
    Gauge.builder("parley_events_relay_leaders", LEADERS, AtomicInteger::get)
        .description("Relay instances on this node holding a relay lock (one lock per MySQL shard)")
        .register(registry);
    this.lag = new RelayLag(registry, mysql.database());
  }

  /** Sets up Kafka (when enabled) and the readiness check; leadership is sought in the background. */
  Future<Void> start() {
    Future<Void> ready = Future.succeededFuture();
    if (kafkaEnabled) {
      String client = "parley-relay-" + UUID.randomUUID();
      ready = KafkaSupport.admin(vertx, settings, client + "-admin")
          .compose(created -> {
            admin = created;
            return KafkaSupport.producer(vertx, settings, client);
          })
          .compose(created -> {
            producer = created;
            producer.exceptionHandler(failure -> LOG.warn("relay: Kafka producer: {}", failure.toString()));
            return HealthChecks.register(vertx, "kafka", () -> KafkaSupport.check(vertx, admin, settings));
          })
          .onSuccess(check -> kafkaCheck = check)
          .mapEmpty();
    }
    return ready.onSuccess(done -> lock.start());
  }

  Future<Void> stop() {
    stopped = true;
    timers.forEach(vertx::cancelTimer);
    Future<Void> saved = leader && watermark != null ? log.saveCursor(CURSOR, watermark.low()).otherwiseEmpty()
        : Future.succeededFuture();
    return saved.eventually(() -> {
      List<Future<?>> closing = new ArrayList<>();
      lock.stop();
      if (kafkaCheck != null) {
        closing.add(HealthChecks.unregister(vertx, kafkaCheck));
      }
      if (producer != null) {
        closing.add(producer.close());
      }
      if (admin != null) {
        closing.add(admin.close());
      }
      return Future.join(closing);
    }).mapEmpty();
  }

  // --- leadership ---------------------------------------------------------------------------------------------

  /** This relay's term began: read the cursor, then relay and keep the cursor and the outbox pruned. */
  private void lead(long myTerm) {
    leader = true;
    LEADERS.incrementAndGet();
    lag.atHead();
    log.cursor(CURSOR).onComplete(position -> {
      if (!lock.holds(myTerm)) {
        return;
      }
      if (position.failed()) {
        lock.resign("cannot read its cursor: " + position.cause().getMessage());
        return;
      }
      watermark = new EventWatermark(position.result(), options.gapTimeoutMs());
      next = position.result();
      LOG.info("relay of {}: leading, publishing events after {} to {}", mysql.describe(), next,
          kafkaEnabled ? "Kafka topic " + topic : "the event bus (" + Addresses.MESSAGE_EVENTS + ")");
      poll(myTerm);
      periodic(myTerm, settings.integer("events.cursorSaveMs", 1000), this::saveCursor);
      periodic(myTerm, settings.integer("events.pruneIntervalMs", 600_000), this::prune);
    });
  }

  private void resigned(String why) {
    leader = false;
    LEADERS.decrementAndGet();
    lag.resigned();
    LOG.info("relay: no longer leading ({})", why);
  }

  // --- relaying -----------------------------------------------------------------------------------------------

  /**
   * One step of the relay loop: ids missing behind the read position first (when a re-check is due), then the
   * next page. Reads and publishes never overlap, so snapshots reach the stream in the order they were read:
   * whatever a consumer applies last for a message is at least as new as its last change.
   */
  private void poll(long myTerm) {
    if (stopped || !lock.holds(myTerm)) {
      return;
    }
    gapFills()
        .compose(filled -> log.after(next, options.pageSize()))
        .compose(events -> publish(events).map(events))
        .onComplete(result -> {
          if (stopped || !lock.holds(myTerm)) {
            return;
          }
          if (result.failed()) {
            LOG.warn("relay: publishing events after {} failed ({}); retrying", next, result.cause().toString());
            later(options.retryMs(), () -> poll(myTerm));
            return;
          }
          List<MessageEvent> events = result.result();
          handled(events);
          if (!events.isEmpty()) {
            next = Math.max(next, events.get(events.size() - 1).id());
          }
          if (events.size() >= options.pageSize()) {
            vertx.runOnContext(v -> poll(myTerm));
          } else {
            lag.atHead();
            later(options.pollMs(), () -> poll(myTerm));
          }
        });
  }

  private long lastGapCheck;

  /** Looks again for ids missing behind the read position: a late commit is published when it appears. */
  private Future<Void> gapFills() {
    long now = System.currentTimeMillis();
    watermark.advance(now);
    if (now - lastGapCheck < gapCheckMs) {
      return Future.succeededFuture();
    }
    lastGapCheck = now;
    List<long[]> ranges = watermark.gaps(now, MAX_GAP_RANGES).stream()
        .filter(gap -> gap.ageMs() >= options.pollMs())
        .map(gap -> new long[] {gap.from(), gap.to()}).toList();
    if (ranges.isEmpty()) {
      return Future.succeededFuture();
    }
    return log.inRanges(ranges, options.pageSize())
        .compose(events -> publish(events).map(events))
        .map(events -> {
          if (!events.isEmpty()) {
            LOG.debug("relay: published {} events that committed out of order", events.size());
            handled(events);
          }
          return null;
        });
  }

  private void handled(List<MessageEvent> events) {
    long now = System.currentTimeMillis();
    for (MessageEvent event : events) {
      watermark.handled(event.id(), event.at(), now);
    }
    relayed.increment(events.size());
  }

  private Future<Void> publish(List<MessageEvent> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    if (!kafkaEnabled) {
      vertx.eventBus().publish(Addresses.MESSAGE_EVENTS, new MessageEvents(events));
      return Future.succeededFuture();
    }
    return ensureTopic().compose(ready -> {
      List<Future<?>> sent = new ArrayList<>(events.size());
      for (MessageEvent event : events) {
        sent.add(producer.send(KafkaProducerRecord.create(topic, event.roomId(), event.toJson().encode())));
      }
      return Future.all(sent).mapEmpty();
    });
  }

  private Future<Void> ensureTopic() {
    if (topicReady) {
      return Future.succeededFuture();
    }
    return KafkaSupport.ensureTopic(admin, settings).onSuccess(done -> topicReady = true);
  }

  private void saveCursor(long myTerm) {
    long low = watermark.low();
    if (low != lastSaved) {
      log.saveCursor(CURSOR, low).onSuccess(saved -> lastSaved = low)
          .onFailure(failure -> LOG.debug("relay: saving its cursor failed: {}", failure.toString()));
    }
  }

  /** Deletes published outbox rows older than the retention, oldest first, a chunk at a time. */
  private void prune(long myTerm) {
    long retentionMs = settings.integer("events.retentionHours", 168) * 3_600_000L;
    long cutoff = System.currentTimeMillis() - retentionMs;
    pruneChunk(myTerm, cutoff, 0);
  }

  private void pruneChunk(long myTerm, long cutoff, int round) {
    if (stopped || !lock.holds(myTerm) || round >= 100) {
      return;
    }
    long published = watermark.low();
    pool.preparedQuery(PRUNE_PROBE).execute(Tuple.of(published, PRUNE_CHUNK))
        .compose(rows -> {
          Row row = rows.iterator().next();
          Long maxId = row.getLong("max_id");
          Long newest = row.getLong("newest");
          if (maxId == null) {
            return Future.succeededFuture(false);
          }
          return pool.preparedQuery(PRUNE).execute(Tuple.of(maxId, cutoff)).compose(deleted -> {
            if (deleted.rowCount() == 0) {
              return Future.succeededFuture(false);
            }
            // Everything below the oldest row left is gone: say so before consumers rely on it.
            return pool.query(FIRST_KEPT).execute()
                .compose(kept -> {
                  Long first = kept.iterator().next().getLong("min_id");
                  return log.saveCursor(PRUNED, first == null ? maxId : first - 1);
                })
                .map(saved -> newest < cutoff);
          });
        })
        .onSuccess(more -> {
          if (more) {
            pruneChunk(myTerm, cutoff, round + 1);
          }
        })
        .onFailure(failure -> LOG.warn("relay: pruning the outbox failed: {}", failure.toString()));
  }

  // --- timers -------------------------------------------------------------------------------------------------

  private void later(long delayMs, Runnable action) {
    if (stopped) {
      return;
    }
    long[] id = new long[1];
    id[0] = vertx.setTimer(Math.max(1, delayMs), fired -> {
      timers.remove((Long) id[0]);
      action.run();
    });
    timers.add(id[0]);
  }

  private void periodic(long myTerm, long everyMs, java.util.function.LongConsumer action) {
    long[] id = new long[1];
    id[0] = vertx.setPeriodic(Math.max(1, everyMs), fired -> {
      if (stopped || !lock.holds(myTerm)) {
        vertx.cancelTimer(id[0]);
        timers.remove((Long) id[0]);
        return;
      }
      action.accept(myTerm);
    });
    timers.add(id[0]);
  }
}
