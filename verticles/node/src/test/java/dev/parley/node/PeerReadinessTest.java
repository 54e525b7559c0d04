package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /ready tells the truth about the peers a node needs: an edge without a core node, or whose only core node is
 * frozen (SIGSTOP: a partition or a long pause as the edge sees it), or with fewer members than
 * {@code cluster.minMembers}, answers 503 naming why; it is ready again when the core answers.
 */
class PeerReadinessTest {

  private static final Map<String, String> SHARED = TestConfig.environment();
  private static final String CORE = "[{\"verticle\": \"persistence\"}, {\"verticle\": \"rooms\"}]";
  private static final String EDGE = "[{\"verticle\": \"http\"}]";
  private static Vertx client;
  private static WebClient web;
  private static Map<String, String> coreEnv;
  private static NodeProcess edge;
  private static NodeProcess core;

  record Ready(int status, JsonObject report) {
    String peersError() {
      return report.getJsonObject("checks").getJsonObject("peers").getString("error", "");
    }
  }

  @BeforeAll
  static void start() {
    client = Vertx.vertx();
    web = WebClient.create(client);
    Map<String, String> edgeEnv = NodeProcess.environment(SHARED);
    edgeEnv.put("PARLEY_CLUSTER_MINMEMBERS", "2");
    coreEnv = NodeProcess.environment(SHARED);
    ApiClient.pinCluster(edgeEnv, coreEnv);
    edge = NodeProcess.start("edge", EDGE, edgeEnv);
  }

  @AfterAll
  static void stop() {
    for (NodeProcess node : new NodeProcess[] {edge, core}) {
      if (node != null) {
        node.signal("CONT");
        node.kill();
      }
    }
    Await.result(TestDatabases.drop(client, TestConfig.config(SHARED)));
    Await.result(client.close());
  }

  @Test
  void readyOnlyWhileTheServicesItNeedsAnswer() {
    Ready alone = await(edge, ready -> ready.status() > 0, Duration.ofSeconds(180));
    assertThat(alone.status()).isEqualTo(503);
    assertThat(alone.report().getJsonArray("failing").getList()).contains("peers");
    assertThat(alone.peersError()).contains("1 of at least 2 cluster members", "no cluster member runs persistence",
        "no cluster member runs rooms");

    core = NodeProcess.start("core", CORE, coreEnv).awaitReady(client, 2);
    Ready joined = await(edge, ready -> ready.status() == 200, Duration.ofSeconds(60));
    assertThat(joined.report().getJsonObject("checks").getJsonObject("peers").getJsonObject("needs")
        .getJsonObject("persistence").getInteger("reachable")).isEqualTo(1);

    long frozenAt = System.nanoTime();
    core.signal("STOP");
    Ready frozen = await(edge, ready -> ready.status() == 503, Duration.ofSeconds(10));
    long notReadyMs = (System.nanoTime() - frozenAt) / 1_000_000;
    assertThat(frozen.peersError()).contains("no node running persistence answers");
    assertThat(frozen.report().getJsonObject("checks").getJsonObject("cluster").getInteger("members"))
        .as("Hazelcast has not noticed yet").isEqualTo(2);

    core.signal("CONT");
    await(edge, ready -> ready.status() == 200, Duration.ofSeconds(30));
    System.out.printf("edge not ready %d ms after its only core node froze%n", notReadyMs);
    assertThat(notReadyMs).isLessThan(5000);
  }

  private static Ready await(NodeProcess node, Predicate<Ready> until, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Ready last = new Ready(-1, null);
    while (System.nanoTime() < deadline) {
      last = Await.result(web.get(node.port("PARLEY_MANAGEMENT_PORT"), "127.0.0.1", "/ready")
          .timeout(3000).send()
          .map(response -> new Ready(response.statusCode(), response.bodyAsJsonObject()))
          .otherwise(new Ready(-1, null)));
      if (until.test(last)) {
        return last;
      }
      Await.result(client.timer(200));
    }
    throw new AssertionError(node.name + ": /ready never matched within " + timeout + "; last " + last.status()
        + " " + last.report() + "\n" + node.tail());
  }
}
