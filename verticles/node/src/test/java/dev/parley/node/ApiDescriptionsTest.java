package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document against the running router: every route the HTTP verticle of a started node serves under
 * /api/v1 (its route table, walked from the router itself) is in the document, and every documented operation is
 * served. A failure lists exactly the endpoints to add to, or remove from, api/openapi.json (contract module).
 * Both documents are served without a token. (WebSocket frames and bridge addresses: FrameDescriptionsTest.)
 */
class ApiDescriptionsTest {

  private static final Map<String, String> ENV = TestConfig.environment();
  private static Node node;
  private static Vertx client;
  private static ApiClient api;

  @BeforeAll
  static void start() {
    node = TestNodes.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}]""", ENV);
    client = Vertx.vertx();
    api = new ApiClient(client, Integer.parseInt(ENV.get("PARLEY_HTTP_PORT")));
  }

  @AfterAll
  static void stop() {
    Await.result(node.stop());
    Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
    Await.result(client.close());
  }

  @Test
  void theOpenApiDocumentDescribesExactlyTheRoutesTheRouterServes() {
    String table = node.vertx().sharedData().<String, String>getLocalMap("parley.http.routes").get("api");
    assertThat(table).as("the http verticle's route table").isNotBlank();
    Set<String> served = new TreeSet<>(Arrays.asList(table.split("\n")));

    HttpResponse<Buffer> response = api.get("/openapi.json", null);
    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject document = response.bodyAsJsonObject();
    assertThat(document.getString("openapi")).isEqualTo("3.1.0");
    Set<String> documented = new TreeSet<>();
    document.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).fieldNames()
        .forEach(method -> documented.add(method.toUpperCase() + " " + path.getKey())));

    Set<String> missing = new TreeSet<>(served);
    missing.removeAll(documented);
    Set<String> absent = new TreeSet<>(documented);
    absent.removeAll(served);
    assertThat(missing).as("served by the router but missing from api/openapi.json").isEmpty();
    assertThat(absent).as("in api/openapi.json but not served by the router").isEmpty();
  }

  @Test
  void theAsyncApiDocumentIsServedWithoutAToken() {
    HttpResponse<Buffer> response = api.get("/asyncapi.json", null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("asyncapi")).isEqualTo("3.0.0");
  }
}
