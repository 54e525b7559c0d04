package dev.parley.search;

import dev.parley.contract.MessageEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.util.Collection;
import java.util.List;

/**
 * Where messages are indexed and searched ({@code search.engine}): {@link LuceneEngine} on this node's disk, or
 * {@link OpenSearchEngine} on an OpenSearch cluster. The verticle follows the stream, rebuilds and checks
 * positions the same way for both; an engine only stores, searches and keeps its position durable with what it
 * covers. Every method returns at once (engines work on workers or asynchronous clients) and completes on the
 * caller's context.
 */
interface SearchEngine {

  /** How the index was found when opened. */
  enum Found {
    /** Complete up to its stored position. */
    READY,
    /** No index, or one whose build never finished: it must be built from MySQL. */
    MISSING,
    /** Unreadable: to be rebuilt from MySQL. */
    CORRUPT
  }

  /** What {@link #open()} found; {@code position} only when {@link Found#READY}. */
  record Opened(Found found, StreamPosition position) {
  }

  /** {@code lucene} or {@code opensearch}: named in logs and readiness. */
  String name();

  Future<Opened> open();

  /** Applies events in stream order: a message's state replaces its document, a tombstone removes it. */
  Future<Void> apply(List<MessageEvent> events);

  /**
   * Starts a build from MySQL into an empty index that takes no queries until {@link #finishRebuild}. With
   * {@code live}, the index that serves now keeps serving and receiving the stream meanwhile, and
   * {@link #apply} writes to both (a reindex without downtime); engines that cannot do that fail.
   */
  Future<Void> startRebuild(boolean live);

  /**
   * Adds a page of stored messages ({@code ChatMessage} json) to the index being built. {@code version} is the
   * stream position the scan started below: events above it override what was scanned.
   */
  Future<Void> addScanned(JsonArray messages, long version);

  /** Makes the built index durable with {@code position} and the one that serves queries. */
  Future<Void> finishRebuild(StreamPosition position);

  /** Stores {@code position} durably with everything applied before (cheap when nothing changed). */
  Future<Void> save(StreamPosition position);

  /** The best {@code limit} messages of {@code roomIds} matching {@code text}, relevance times recency. */
  Future<List<SearchIndex.Hit>> search(String text, Collection<String> roomIds, int limit, long now, long halfLifeMs);

  /** Stores {@code position} (null: the index is not complete, store nothing) and releases everything. */
  Future<Void> close(StreamPosition position);
}
