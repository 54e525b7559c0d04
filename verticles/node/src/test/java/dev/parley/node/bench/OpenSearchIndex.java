package dev.parley.node.bench;

import dev.parley.common.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;

/** The benchmark's OpenSearch index: its size on disk (primaries, after a flush) and its removal. */
final class OpenSearchIndex {

  private static final URI HOST = URI.create(new JsonArray(System.getenv().getOrDefault(
      "PARLEY_SEARCH_OPENSEARCH_HOSTS", "[\"http://127.0.0.1:9200\"]")).getString(0));

  private OpenSearchIndex() {
  }

  static long size(Vertx vertx, String alias) {
    WebClient web = WebClient.create(vertx);
    try {
      Await.result(web.post(HOST.getPort(), HOST.getHost(), "/" + alias + "/_flush").send());
      return Await.result(web.get(HOST.getPort(), HOST.getHost(), "/" + alias + "/_stats/store").send())
          .bodyAsJsonObject().getJsonObject("_all").getJsonObject("primaries").getJsonObject("store")
          .getLong("size_in_bytes");
    } finally {
      web.close();
    }
  }

  static void delete(Vertx vertx, String alias) {
    WebClient web = WebClient.create(vertx);
    try {
      Await.result(web.delete(HOST.getPort(), HOST.getHost(), "/" + alias + "*").send());
    } finally {
      web.close();
    }
  }
}
