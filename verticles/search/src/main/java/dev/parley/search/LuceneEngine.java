package dev.parley.search;

import dev.parley.common.ConfigException;
import dev.parley.contract.MessageEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded engine: a {@link SearchIndex} on this node's disk. Writes run on one worker thread (stream order;
 * commits queue behind the writes they cover), searches on {@code search.queryThreads} workers, and a
 * near-real-time reader is refreshed every {@code search.refreshMs} while people search. The event loop never
 * touches Lucene.
 *
 * <p>Each refresh writes what was indexed since as a new segment, and small segments are merged again and
 * again: at 1,000 messages/s a refresh every 500 ms was most of the indexing cost. So with no search for
 * {@link #IDLE_REFRESHES} periods the timer stops refreshing, and the next search refreshes first (one larger
 * segment): a search still sees everything indexed up to {@code search.refreshMs} before it.
 */
final class LuceneEngine implements SearchEngine {

  private static final Logger LOG = LoggerFactory.getLogger(LuceneEngine.class);

  private final Vertx vertx;
  private final SearchSettings options;
  private final WorkerExecutor writes;
  private final WorkerExecutor queries;
  private SearchIndex index;
  private StreamPosition committed;
  private long refreshTimer = -1;
  /** Refresh periods without a search after which the timer stops refreshing. */
  static final int IDLE_REFRESHES = 20;
  /** Event-loop confined: when the last search came, and whether the reader may lag what was indexed. */
  private long lastSearchNanos = System.nanoTime();
  private boolean stale;

  LuceneEngine(Vertx vertx, SearchSettings options) {
    this.vertx = vertx;
    this.options = options;
    this.writes = vertx.createSharedWorkerExecutor("parley-search-write-" + UUID.randomUUID(), 1, 5, TimeUnit.MINUTES);
    this.queries = vertx.createSharedWorkerExecutor("parley-search-query", options.queryThreads());
  }

  @Override
  public String name() {
    return "lucene";
  }

  @Override
  public Future<Opened> open() {
    return writes.executeBlocking(() -> SearchIndex.open(options.indexPath(), options.ramBufferMb()))
        .recover(failure -> Future.failedFuture(failure instanceof LockObtainFailedException
            ? new ConfigException("key 'search.indexPath': " + options.indexPath()
                + " is in use by another search instance (deploy one per index directory)")
            : failure))
        .map(opened -> {
          index = opened;
          committed = opened.openedPosition();
          refreshTimer = vertx.setPeriodic(options.refreshMs(), tick -> refresh());
          LOG.info("search: Lucene index at {}", options.indexPath().toAbsolutePath());
          return new Opened(opened.found(), opened.openedPosition());
        });
  }

  @Override
  public Future<Void> apply(List<MessageEvent> events) {
    return writes.executeBlocking(() -> {
      index.apply(events);
      return null;
    });
  }

  @Override
  public Future<Void> startRebuild(boolean live) {
    if (live) {
      return Future.failedFuture("the Lucene engine rebuilds in place: its index takes no queries meanwhile");
    }
    return writes.executeBlocking(() -> {
      index.clear();
      return null;
    });
  }

  @Override
  public Future<Void> addScanned(JsonArray messages, long version) {
    return writes.executeBlocking(() -> {
      for (int i = 0; i < messages.size(); i++) {
        JsonObject message = messages.getJsonObject(i);
        index.add(message.getString("roomId"), message.getLong("seq"), message.getString("senderId"),
            message.getLong("ts"), message.getString("text"), message.getJsonArray("attachments"),
            message.getBoolean("bot", false));
      }
      return null;
    });
  }

  @Override
  public Future<Void> finishRebuild(StreamPosition position) {
    return save(position);
  }

  @Override
  public Future<Void> save(StreamPosition position) {
    return writes.executeBlocking(() -> {
      if (index.hasUncommittedChanges() || !position.equals(committed)) {
        index.commit(position);
        committed = position;
      }
      return null;
    });
  }

  private void refresh() {
    if (System.nanoTime() - lastSearchNanos > TimeUnit.MILLISECONDS.toNanos(options.refreshMs() * IDLE_REFRESHES)) {
      stale = true;
      return;
    }
    queries.executeBlocking(() -> {
      index.refresh();
      return null;
    }, false).onFailure(failure -> LOG.warn("search: refreshing the reader failed: {}", failure.toString()));
  }

  @Override
  public Future<List<SearchIndex.Hit>> search(String text, Collection<String> roomIds, int limit, long now,
      long halfLifeMs) {
    lastSearchNanos = System.nanoTime();
    boolean refreshFirst = stale;
    stale = false;
    return queries.executeBlocking(() -> {
      if (refreshFirst) {
        index.refreshBlocking();
      }
      return index.search(text, roomIds, limit, now, halfLifeMs);
    }, false);
  }

  @Override
  public Future<Void> close(StreamPosition position) {
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
    }
    Future<Void> closed = index == null ? Future.succeededFuture() : writes.executeBlocking(() -> {
      if (position != null) {
        index.commit(position);
      }
      index.close();
      return null;
    });
    return closed.eventually(() -> Future.join(writes.close(), queries.close()));
  }
}
