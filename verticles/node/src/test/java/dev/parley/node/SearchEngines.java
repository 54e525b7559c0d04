package dev.parley.node;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.Map;
import java.util.UUID;

/**
 * The search engines the search tests run against: {@code lucene} (an index directory of the run's own) and
 * {@code opensearch} (the cluster scripts/opensearch runs, or PARLEY_SEARCH_OPENSEARCH_HOSTS; an alias of the
 * run's own, deleted afterwards).
 */
final class SearchEngines {

  static final String HOSTS = System.getenv().getOrDefault("PARLEY_SEARCH_OPENSEARCH_HOSTS",
      "[\"http://127.0.0.1:9200\"]");

  /** Both nodes of {@code scripts/opensearch start 2}, for tests that kill one. */
  static final String BOTH_NODES = System.getenv().getOrDefault("PARLEY_SEARCH_OPENSEARCH_HOSTS",
      "[\"http://127.0.0.1:9200\", \"http://127.0.0.1:9201\"]");

  private SearchEngines() {
  }

  /** {@code env} set up for {@code engine}, with an index of its own. */
  static Map<String, String> use(String engine, Map<String, String> env) {
    env.put("PARLEY_SEARCH_ENGINE", engine);
    if (engine.equals("opensearch")) {
      env.put("PARLEY_SEARCH_OPENSEARCH_HOSTS", HOSTS);
      env.put("PARLEY_SEARCH_OPENSEARCH_INDEX", "parley-test-" + TestConfig.RUN_ID + "-"
          + UUID.randomUUID().toString().substring(0, 8));
    }
    return env;
  }

  /** The first OpenSearch host, for direct requests of a test. */
  static URI firstHost() {
    return URI.create(new JsonArray(HOSTS).getString(0));
  }

  /** Deletes the OpenSearch indices a test's environment named (nothing for Lucene). */
  static void cleanUp(Vertx vertx, Map<String, String> env) {
    String index = env.get("PARLEY_SEARCH_OPENSEARCH_INDEX");
    if (!"opensearch".equals(env.get("PARLEY_SEARCH_ENGINE")) || index == null) {
      return;
    }
    URI host = firstHost();
    WebClient web = WebClient.create(vertx);
    Await.result(web.delete(host.getPort(), host.getHost(), "/" + index + "*").send());
    web.close();
  }
}
