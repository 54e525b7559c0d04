package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import dev.parley.common.testing.TestConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hazelcast and event-bus settings a node would start with; no cluster is started. */
class HazelcastConfigTest {

  @TempDir
  Path dir;

  private NodeConfig load(Map<String, String> env) throws IOException {
    Files.copy(TestConfig.confDir().resolve("parley.json"), dir.resolve("parley.json"),
        StandardCopyOption.REPLACE_EXISTING);
    Path file = dir.resolve("test-profile.json");
    Files.writeString(file, """
        {"extends": "parley.json", "deploy": [{"verticle": "http"}]}""");
    return NodeConfig.load(file, env);
  }

  private static Map<String, String> env(String configFile, String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("PARLEY_CLUSTER_CONFIGFILE", TestConfig.confDir().resolve(configFile).toString());
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void shippedFileJoinsByTcpIpWithTheMembersFromTheEnvironment() throws IOException {
    Config config = Node.hazelcastConfig(load(env("cluster.xml",
        "PARLEY_CLUSTER_NAME", "prod",
        "PARLEY_CLUSTER_HOST", "10.0.0.5",
        "PARLEY_CLUSTER_PORT", "5801",
        "PARLEY_CLUSTER_MEMBERS", "10.0.0.5, 10.0.0.6:5801,10.0.0.7")));

    assertThat(config.getClusterName()).isEqualTo("prod");
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.0.0.5");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(config.getNetworkConfig().getPublicAddress()).isNull();
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.5", "10.0.0.6:5801", "10.0.0.7");
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.isAutoDetectionEnabled()).isFalse();
    join.verify();
    // What the file says about failure detection is kept.
    assertThat(config.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("1");
    assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("10");
    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
    assertThat(config.getProperty("hazelcast.socket.bind.any")).as("only cluster.host, not every interface")
        .isEqualTo("false");
    // The __vertx.* structures come from the file.
    assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
  }

  @Test
  void withoutAFileTheVertxDefaultStillJoinsByTcpIp() throws IOException {
    Map<String, String> env = env("cluster.xml", "PARLEY_CLUSTER_MEMBERS", "10.0.0.6");
    env.put("PARLEY_CLUSTER_CONFIGFILE", "");

    Config config = Node.hazelcastConfig(load(env));

    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.6");
    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
    assertThat(config.getProperty("hazelcast.logging.type")).isEqualTo("slf4j");
    join.verify();
  }

  @Test
  void kubernetesFileKeepsItsDiscoveryAndGetsNoMemberList() throws IOException {
    Config config = Node.hazelcastConfig(load(env("cluster-kubernetes.xml",
        "PARLEY_CLUSTER_NAME", "prod",
        "PARLEY_CLUSTER_HOST", "10.244.1.17",
        "PARLEY_CLUSTER_MEMBERS", "127.0.0.1")));

    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperties())
        .containsEntry("service-name", "parley-hazelcast")
        .containsEntry("service-port", "5701")
        .containsEntry("resolve-not-ready-addresses", "true");
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().getMembers()).isEmpty();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    // Only one join method may be enabled; Hazelcast checks this when the member starts.
    join.verify();
    assertThat(config.getClusterName()).isEqualTo("prod");
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.244.1.17");
    // The file's own values win over the launcher's defaults.
    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("5");
    assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("10");
    assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
    assertThat(config.getMapConfigs()).containsKeys("__vertx.haInfo", "__vertx.nodeInfo");
  }

  @Test
  void publicHostIsAdvertisedByHazelcastAndTheEventBus() throws IOException {
    NodeConfig node = load(env("cluster.xml",
        "PARLEY_CLUSTER_HOST", "172.17.0.2",
        "PARLEY_CLUSTER_PUBLICHOST", "203.0.113.10",
        "PARLEY_CLUSTER_EVENTBUSPORT", "5801"));

    Config config = Node.hazelcastConfig(node);
    EventBusOptions eventBus = Node.vertxOptions(Settings.of(node.config())).getEventBusOptions();

    assertThat(config.getNetworkConfig().getPublicAddress()).isEqualTo("203.0.113.10");
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("172.17.0.2");
    assertThat(eventBus.getHost()).isEqualTo("172.17.0.2");
    assertThat(eventBus.getPort()).isEqualTo(5801);
    assertThat(eventBus.getClusterPublicHost()).isEqualTo("203.0.113.10");
  }

  @Test
  void defaultsBindTheEventBusToARandomPortWithNoPublicHost() throws IOException {
    VertxOptions options = Node.vertxOptions(Settings.of(load(env("cluster.xml")).config()));

    assertThat(options.getEventBusOptions().getHost()).isEqualTo("127.0.0.1");
    assertThat(options.getEventBusOptions().getPort()).isZero();
    assertThat(options.getEventBusOptions().getClusterPublicHost()).isNull();
  }

  @Test
  void eventBusPortOutOfRangeIsAConfigError() throws IOException {
    NodeConfig node = load(env("cluster.xml", "PARLEY_CLUSTER_EVENTBUSPORT", "70000"));

    assertThatThrownBy(() -> Node.vertxOptions(Settings.of(node.config())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.eventBusPort");
  }

  @Test
  void eventBusTlsIsOffByDefaultAndMutualWhenEnabled() throws IOException {
    assertThat(Node.vertxOptions(Settings.of(load(env("cluster.xml")).config())).getEventBusOptions().isSsl()).isFalse();
    Path cert = Files.writeString(dir.resolve("node.crt"), "x");
    Path key = Files.writeString(dir.resolve("node.key"), "x");
    Path ca = Files.writeString(dir.resolve("ca.crt"), "x");

    EventBusOptions eventBus = Node.vertxOptions(Settings.of(load(env("cluster.xml",
        "PARLEY_CLUSTER_TLS_ENABLED", "true",
        "PARLEY_CLUSTER_TLS_CERTFILE", cert.toString(),
        "PARLEY_CLUSTER_TLS_KEYFILE", key.toString(),
        "PARLEY_CLUSTER_TLS_CAFILE", ca.toString())).config())).getEventBusOptions();

    assertThat(eventBus.isSsl()).isTrue();
    assertThat(eventBus.getClientAuth()).isEqualTo(io.vertx.core.http.ClientAuth.REQUIRED);
    assertThat(eventBus.isTrustAll()).as("servers are checked too").isFalse();
    assertThat(eventBus.getTrustOptions()).isNotNull();
    assertThat(eventBus.getKeyCertOptions()).isNotNull();
  }

  @Test
  void eventBusTlsWithAMissingFileIsAConfigErrorNamingTheKey() throws IOException {
    NodeConfig node = load(env("cluster.xml", "PARLEY_CLUSTER_TLS_ENABLED", "true",
        "PARLEY_CLUSTER_TLS_KEYFILE", dir.resolve("absent.key").toString()));

    assertThatThrownBy(() -> Node.vertxOptions(Settings.of(node.config())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.tls.");
  }
}
