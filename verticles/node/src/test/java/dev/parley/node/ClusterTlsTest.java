package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.Settings;
import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutual TLS on the event bus with the launcher's own settings and the development certificates of
 * scripts/cluster-certs: two nodes of one CA talk; a node whose certificate another CA signed, and a node
 * without TLS, are in the same Hazelcast cluster yet can neither deliver to them nor receive from them.
 */
class ClusterTlsTest {

  private static final String ADDRESS = "parley.test.tls";
  private static final List<Vertx> NODES = new ArrayList<>();
  private static final Map<Vertx, HazelcastClusterManager> CLUSTER_MANAGERS = new HashMap<>();
  private static final AtomicInteger DELIVERED = new AtomicInteger();
  private static Vertx server;
  private static Vertx sameCa;
  private static Vertx otherCa;
  private static Vertx plain;

  @BeforeAll
  static void start() throws Exception {
    Path cluster = certificates("cluster");
    Path foreign = certificates("foreign");
    List<Map<String, String>> envs = List.of(tls(cluster), tls(cluster), tls(foreign), new HashMap<>(base()));
    ApiClient.pinCluster(envs.toArray(Map[]::new));
    server = node(envs.get(0));
    sameCa = node(envs.get(1));
    otherCa = node(envs.get(2));
    plain = node(envs.get(3));
    Await.result(server.eventBus().<String>consumer(ADDRESS, request -> {
      DELIVERED.incrementAndGet();
      request.reply("pong");
    }).completion());
    Await.result(otherCa.eventBus().<String>consumer(ADDRESS + ".foreign", request -> {
      DELIVERED.incrementAndGet();
      request.reply("pong");
    }).completion());
  }

  @AfterAll
  static void stop() {
    NODES.forEach(vertx -> Await.result(vertx.close()));
  }

  @Test
  void onlyNodesWithACertificateOfTheClusterCaExchangeMessages() {
    assertThat(CLUSTER_MANAGERS.get(server).getNodes()).as("one Hazelcast cluster").hasSize(4);
    // Generous: the first request also opens the TLS connection, slow on a loaded machine.
    assertThat(Await.result(request(sameCa, ADDRESS, 30_000))).isEqualTo("pong");
    int delivered = DELIVERED.get();

    assertThat(Await.failure(request(otherCa, ADDRESS, 5000))).as("another CA's certificate").isNotNull();
    assertThat(Await.failure(request(plain, ADDRESS, 5000))).as("no TLS").isNotNull();
    assertThat(Await.failure(request(server, ADDRESS + ".foreign", 5000))).as("nor towards them").isNotNull();
    assertThat(DELIVERED).as("nothing reached a consumer").hasValue(delivered);
  }

  private static Future<String> request(Vertx from, String address, long timeoutMs) {
    return from.eventBus().<String>request(address, "ping", new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(reply -> reply.body());
  }

  private static Vertx node(Map<String, String> env) {
    NodeConfig config = NodeConfig.load(TestNodes.profile("[{\"verticle\": \"http\"}]"), env);
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(Node.hazelcastConfig(config));
    Vertx vertx = Await.result(Vertx.builder().with(Node.vertxOptions(Settings.of(config.config())))
        .withClusterManager(clusterManager).buildClustered(), Duration.ofSeconds(120));
    NODES.add(vertx);
    CLUSTER_MANAGERS.put(vertx, clusterManager);
    return vertx;
  }

  private static Map<String, String> base() {
    Map<String, String> env = new HashMap<>();
    env.put("PARLEY_CLUSTER_NAME", "parley-test-tls-" + TestConfig.RUN_ID);
    env.put("PARLEY_CLUSTER_CONFIGFILE", TestConfig.confDir().resolve("cluster.xml").toString());
    return env;
  }

  private static Map<String, String> tls(Path certificates) {
    Map<String, String> env = base();
    env.put("PARLEY_CLUSTER_TLS_ENABLED", "true");
    env.put("PARLEY_CLUSTER_TLS_CERTFILE", certificates.resolve("node.crt").toString());
    env.put("PARLEY_CLUSTER_TLS_KEYFILE", certificates.resolve("node.key").toString());
    env.put("PARLEY_CLUSTER_TLS_CAFILE", certificates.resolve("ca.crt").toString());
    return env;
  }

  /** A CA and a node certificate, made by the script users run. */
  private static Path certificates(String name) throws IOException, InterruptedException {
    Path dir = TestConfig.tempDir("certs-" + name);
    Process script = new ProcessBuilder("bash", TestConfig.repoRoot().resolve("scripts/cluster-certs").toString(),
        dir.toString(), "--force").inheritIO().start();
    assertThat(script.waitFor()).isZero();
    return dir;
  }
}
