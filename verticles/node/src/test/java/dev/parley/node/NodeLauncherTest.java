package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.deployment.DeploymentContext;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real clustered node started from a profile, against the real MariaDB and Redis. */
class NodeLauncherTest {

  private static final Map<String, String> ENV = TestConfig.environment();
  private static Node node;
  private static Vertx client;
  private static WebClient web;

  @BeforeAll
  static void start() {
    node = TestNodes.start("""
        [{"verticle": "persistence", "instances": 1},
         {"verticle": "rooms", "instances": 2},
         {"verticle": "http", "instances": 3},
         {"verticle": "socket", "instances": 1},
         {"verticle": "search", "instances": 1}]""", ENV);
    client = Vertx.vertx();
    web = WebClient.create(client);
  }

  @AfterAll
  static void stop() {
    Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
    Await.result(node.stop());
    Await.result(client.close());
  }

  @Test
  void deploysExactlyTheProfilesVerticlesWithTheirInstanceCounts() {
    Map<String, Integer> running = new TreeMap<>();
    for (DeploymentContext deployment : ((VertxInternal) node.vertx()).deploymentManager().deployments()) {
      for (Deployable instance : deployment.deployment().instances()) {
        running.merge(instance.getClass().getSimpleName(), 1, Integer::sum);
      }
    }

    assertThat(running).containsExactlyInAnyOrderEntriesOf(Map.of(
        "ManagementVerticle", 1,
        "PersistenceVerticle", 1,
        "RoomsVerticle", 2,
        "HttpVerticle", 3,
        "SocketVerticle", 1,
        "SearchVerticle", 1));
    assertThat(node.deployed()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "persistence", 1, "rooms", 2, "http", 3, "socket", 1, "search", 1));
  }

  @Test
  void readyOnBothPortsNamesEveryCheck() {
    for (String port : new String[] {ENV.get("PARLEY_MANAGEMENT_PORT"), ENV.get("PARLEY_HTTP_PORT")}) {
      HttpResponse<Buffer> ready = get(port, "/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      JsonObject report = ready.bodyAsJsonObject();
      assertThat(report.getString("status")).isEqualTo("UP");
      assertThat(report.getJsonObject("checks").fieldNames())
          .containsExactlyInAnyOrder("cluster", "deployments", "peers", "attachments", "mysql", "redis", "search-index");
      // An all-in-one node serves itself everything its verticles need.
      assertThat(report.getJsonObject("checks").getJsonObject("peers").getBoolean("ok")).isTrue();
      assertThat(report.getJsonObject("checks").getJsonObject("cluster").getInteger("members")).isEqualTo(1);

      HttpResponse<Buffer> health = get(port, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "UP"));
    }
  }

  @Test
  void metricsArePrometheusTextWithJvmVertxAndOwnMeters() {
    for (String port : new String[] {ENV.get("PARLEY_MANAGEMENT_PORT"), ENV.get("PARLEY_HTTP_PORT")}) {
      HttpResponse<Buffer> metrics = get(port, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.getHeader("content-type")).startsWith("text/plain");
      assertThat(metrics.bodyAsString())
          .contains("jvm_memory_used_bytes")
          .contains("vertx_eventbus_handlers")
          .contains("parley_node_verticle_instances{verticle=\"http\"} 3.0");
    }
  }

  @Test
  void unknownPathsGetAContractErrorBody() {
    HttpResponse<Buffer> response = get(ENV.get("PARLEY_HTTP_PORT"), "/nowhere");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
    // Under /api/v1 everything but register/login/refresh asks for a token first, unknown paths included
    // (AccountsApiTest sees the 404 with a token).
    HttpResponse<Buffer> api = get(ENV.get("PARLEY_HTTP_PORT"), "/api/v1/nowhere");
    assertThat(api.statusCode()).isEqualTo(401);
    assertThat(api.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unauthorized");
  }

  private static HttpResponse<Buffer> get(String port, String path) {
    return Await.result(web.get(Integer.parseInt(port), "127.0.0.1", path).send());
  }
}
