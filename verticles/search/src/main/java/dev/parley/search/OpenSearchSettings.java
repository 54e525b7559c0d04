package dev.parley.search;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import java.net.URI;
import java.util.List;

/**
 * The {@code search.opensearch} config section.
 *
 * @param hosts the cluster's HTTP endpoints ({@code http://host:port}); requests go to any that answers
 * @param index the alias searched and written; physical indices are {@code <index>-<time>}, positions are kept
 *     in {@code <index>-state}
 * @param shards primary shards of a new index (documents are routed by room id)
 * @param replicas copies of each shard on other nodes
 * @param requestTimeoutMs longest wait for one OpenSearch request
 * @param maxRoomsPerTerms room ids per {@code terms} clause of the membership filter (larger sets are split)
 */
record OpenSearchSettings(List<URI> hosts, String index, int shards, int replicas, long requestTimeoutMs,
    int maxRoomsPerTerms) {

  static OpenSearchSettings from(Settings settings) {
    List<URI> hosts = settings.strings("search.opensearch.hosts", List.of("http://127.0.0.1:9200")).stream()
        .map(host -> {
          URI uri = URI.create(host);
          if (uri.getHost() == null || !"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new ConfigException("key 'search.opensearch.hosts': '" + host + "' is not an http(s)://host:port URL");
          }
          return uri;
        }).toList();
    OpenSearchSettings options = new OpenSearchSettings(hosts,
        settings.string("search.opensearch.index", "parley-messages"),
        settings.integer("search.opensearch.shards", 1),
        settings.integer("search.opensearch.replicas", 0),
        settings.integer("search.opensearch.requestTimeoutMs", 10_000),
        settings.integer("search.opensearch.maxRoomsPerTerms", 10_000));
    if (hosts.isEmpty()) {
      throw new ConfigException("key 'search.opensearch.hosts' must name at least one host");
    }
    if (!options.index().matches("[a-z0-9][a-z0-9_.-]{0,200}")) {
      throw new ConfigException("key 'search.opensearch.index' must be a lower-case OpenSearch index name");
    }
    if (options.shards() < 1 || options.replicas() < 0) {
      throw new ConfigException("key 'search.opensearch.shards' must be at least 1 and 'replicas' at least 0");
    }
    if (options.maxRoomsPerTerms() < 1 || options.maxRoomsPerTerms() > 65_536) {
      throw new ConfigException("key 'search.opensearch.maxRoomsPerTerms' must be between 1 and 65536");
    }
    return options;
  }
}
