package dev.parley.search;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import java.nio.file.Path;

/**
 * The {@code search} config section.
 *
 * @param indexPath the index directory (one search verticle instance per directory)
 * @param refreshMs how often searches start seeing what was indexed (near-real-time reader refresh)
 * @param commitIntervalMs how often indexed events are made durable with their stream position (each commit
 *     writes a segment; after a crash the index replays the stream from its last commit)
 * @param ramBufferMb Lucene's indexing buffer
 * @param queryThreads worker threads running searches
 * @param maxQueryChars longest accepted query
 * @param defaultLimit hits when the request names no limit
 * @param maxLimit most hits a request may ask for
 * @param recencyHalfLifeHours age at which a message's recency bonus is half of a new one's
 * @param rebuildPageSize messages per page when rebuilding from MySQL
 * @param rebuildEventSlack how far below the newest event id a rebuild starts following the stream, to cover
 *     transactions that were still running when the rebuild read the newest id
 * @param requestTimeoutMs event-bus request timeout towards rooms and persistence
 * @param openSearch the OpenSearch engine's settings with {@code search.engine: opensearch}, null for Lucene
 */
record SearchSettings(Path indexPath, long refreshMs, long commitIntervalMs, double ramBufferMb, int queryThreads,
    int maxQueryChars, int defaultLimit, int maxLimit, long recencyHalfLifeHours, int rebuildPageSize,
    long rebuildEventSlack, long requestTimeoutMs, OpenSearchSettings openSearch) {

  static SearchSettings from(Settings settings) {
    String engine = settings.string("search.engine", "lucene");
    if (!engine.equals("lucene") && !engine.equals("opensearch")) {
      throw new ConfigException("key 'search.engine' must be lucene or opensearch, not '" + engine + "'");
    }
    SearchSettings search = new SearchSettings(
        Path.of(settings.string("search.indexPath")),
        settings.integer("search.refreshMs", 500),
        settings.integer("search.commitIntervalMs", 10_000),
        settings.integer("search.ramBufferMb", 64),
        settings.integer("search.queryThreads", 2),
        settings.integer("search.maxQueryChars", 256),
        settings.integer("search.defaultLimit", 20),
        settings.integer("search.maxLimit", 100),
        settings.integer("search.recencyHalfLifeHours", 168),
        settings.integer("search.rebuildPageSize", 1000),
        settings.integer("search.rebuildEventSlack", 50_000),
        settings.integer("events.requestTimeoutMs", 10_000),
        engine.equals("opensearch") ? OpenSearchSettings.from(settings) : null);
    if (search.queryThreads() < 1) {
      throw new ConfigException("key 'search.queryThreads' must be at least 1");
    }
    if (search.defaultLimit() < 1 || search.defaultLimit() > search.maxLimit()) {
      throw new ConfigException("key 'search.defaultLimit' must be between 1 and search.maxLimit");
    }
    if (search.rebuildPageSize() < 1 || search.rebuildPageSize() > 2000) {
      throw new ConfigException("key 'search.rebuildPageSize' must be between 1 and 2000");
    }
    return search;
  }
}
