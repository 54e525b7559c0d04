package dev.parley.node;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.common.testing.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Two clustered nodes of one test run on its one database, with a REST client on the first node's HTTP port and
 * a WebSocket client: the setup of tests that need a verticle on a node of its own (the notifier, to stop it; the
 * sockets, so "online" means another node). The second node gets its own management and HTTP ports; both have
 * pinned Hazelcast ports ({@link ApiClient#pinCluster}).
 */
final class NodePair {

  final Map<String, String> firstEnv;
  final Map<String, String> secondEnv;
  final Vertx client;
  final ApiClient api;
  final WebSocketClient sockets;
  private final String secondDeploy;
  private final Node first;
  private Node second;

  private NodePair(Map<String, String> firstEnv, Map<String, String> secondEnv, Node first, String secondDeploy,
      Node second) {
    this.firstEnv = firstEnv;
    this.secondEnv = secondEnv;
    this.first = first;
    this.secondDeploy = secondDeploy;
    this.second = second;
    this.client = Vertx.vertx();
    this.api = new ApiClient(client, Integer.parseInt(firstEnv.get("PARLEY_HTTP_PORT")));
    this.sockets = TestSocket.client(client);
  }

  /** Starts both nodes; {@code env} (PARLEY_* keys) applies to both, over the test run's environment. */
  static NodePair start(String firstDeploy, String secondDeploy, Map<String, String> env) {
    Map<String, String> firstEnv = TestConfig.environment();
    firstEnv.putAll(env);
    Map<String, String> secondEnv = new HashMap<>(firstEnv);
    secondEnv.put("PARLEY_MANAGEMENT_PORT", String.valueOf(TestConfig.freePort()));
    secondEnv.put("PARLEY_HTTP_PORT", String.valueOf(TestConfig.freePort()));
    ApiClient.pinCluster(firstEnv, secondEnv);
    Node first = TestNodes.start(firstDeploy, firstEnv);
    Node second = TestNodes.start(secondDeploy, secondEnv);
    return new NodePair(firstEnv, secondEnv, first, secondDeploy, second);
  }

  /** The socket port of the node started with this environment. */
  static int socketPort(Map<String, String> env) {
    return Integer.parseInt(env.get("PARLEY_SOCKET_PORT"));
  }

  /** Waits for {@code /ready} on the management port of the node started with this environment. */
  void awaitReady(Map<String, String> env) {
    int port = Integer.parseInt(env.get("PARLEY_MANAGEMENT_PORT"));
    api.await(() -> Await.result(api.web.get(port, "127.0.0.1", "/ready").send()).statusCode(),
        status -> status == 200, Duration.ofSeconds(30));
  }

  void stopSecond() {
    Await.result(second.stop());
    second = null;
  }

  void startSecond() {
    second = TestNodes.start(secondDeploy, secondEnv);
  }

  /** Stops the nodes, drops the run's database and closes the clients. */
  void stop() {
    if (second != null) {
      Await.result(second.stop());
    }
    Await.result(first.stop());
    Await.result(TestDatabases.drop(client, TestConfig.config(firstEnv)));
    Await.result(client.close());
  }
}
