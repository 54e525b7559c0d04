package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.parley.common.testing.Await;
import dev.parley.contract.Addresses;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node whose own registrations are missing from the cluster registry (after a split-brain merge, until Vert.x
 * has republished them) cannot be addressed by the rest of the cluster: its peer check fails, naming why, until
 * the registration is back.
 */
class PeerCheckTest {

  private static Vertx vertx;
  private static ClusterManager clusterManager;

  @BeforeAll
  static void start() {
    Config config = new Config().setClusterName("peer-check-" + UUID.randomUUID());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    config.getNetworkConfig().setPort(0);
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1"));
    clusterManager = new HazelcastClusterManager(config);
    vertx = Await.result(Vertx.builder().withClusterManager(clusterManager).buildClustered());
    Await.result(PeerCheck.answerPings(vertx, clusterManager));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  @Test
  void notReadyWhileItsOwnRegistrationIsMissingFromTheClusterRegistry() {
    PeerCheck peers = new PeerCheck(vertx, clusterManager, Map.of(), 1, 1000);
    JsonObject whole = Await.result(peers.check());
    assertThat(whole.getBoolean("ok")).as(whole.encode()).isTrue();
    assertThat(whole.getBoolean("registered")).isTrue();

    String address = Addresses.NODE_PING_PREFIX + clusterManager.getNodeId();
    RegistrationInfo own = registrations(address).get(0);
    Promise<Void> removed = Promise.promise();
    clusterManager.removeRegistration(address, own, removed);
    Await.result(removed.future());
    JsonObject lost = Await.result(peers.check());
    assertThat(lost.getBoolean("ok")).isFalse();
    assertThat(lost.getBoolean("registered")).isFalse();
    assertThat(lost.getString("error")).isEqualTo("this node is not in the cluster registry (yet)");

    Promise<Void> republished = Promise.promise();
    clusterManager.addRegistration(address, own, republished);
    Await.result(republished.future());
    assertThat(Await.result(peers.check()).getBoolean("ok")).isTrue();
  }

  @Test
  void aRegistryAnswerAfterTheTimeoutIsDroppedQuietly() {
    // A 1 ms timeout fails the reads before Hazelcast answers them; the late answers must not complete the
    // already failed promise (that threw "Promise already completed" on the event loop during chaos runs).
    List<Throwable> unhandled = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.exceptionHandler(unhandled::add);
    try {
      PeerCheck hasty = new PeerCheck(vertx, clusterManager, Map.of(), 1, 1);
      for (int i = 0; i < 20; i++) {
        Await.result(hasty.check());
      }
      Await.result(vertx.timer(500));
      assertThat(unhandled).isEmpty();
    } finally {
      vertx.exceptionHandler(null);
    }
  }

  private static List<RegistrationInfo> registrations(String address) {
    Promise<List<RegistrationInfo>> list = Promise.promise();
    clusterManager.getRegistrations(address, list);
    return Await.result(list.future());
  }
}
