package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;

/** {@link SearchCatchUpTest} on the OpenSearch engine. */
class OpenSearchCatchUpTest extends SearchCatchUpTest {

  @Override
  String engine() {
    return "opensearch";
  }

  /** Here: the stored stream positions are lost, so the index cannot say what it covers. */
  @Override
  void damageIndex() {
    Vertx vertx = Vertx.vertx();
    try {
      URI host = SearchEngines.firstHost();
      int status = Await.result(WebClient.create(vertx).delete(host.getPort(), host.getHost(),
          "/" + indexName() + "-state").send()).statusCode();
      assertThat(status).isEqualTo(200);
    } finally {
      Await.result(vertx.close());
    }
  }
}
