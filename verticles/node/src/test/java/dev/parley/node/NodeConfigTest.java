package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.common.ConfigException;
import dev.parley.common.testing.TestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {

  @TempDir
  Path dir;

  private Path profile(String json) throws IOException {
    Files.copy(TestConfig.confDir().resolve("parley.json"), dir.resolve("parley.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path file = dir.resolve("test-profile.json");
    Files.writeString(file, json);
    return file;
  }

  @Test
  void profileExtendsTheBaseAndKeepsItsOwnValues() throws IOException {
    Path file = profile("""
        {"extends": "parley.json", "http": {"port": 18080},
         "deploy": [{"verticle": "http", "instances": 3}, {"verticle": "rooms"}]}""");

    NodeConfig config = NodeConfig.load(file, Map.of());

    assertThat(config.config().getJsonObject("http").getInteger("port")).isEqualTo(18080);
    assertThat(config.config().getJsonObject("http").getInteger("maxBodyBytes")).isEqualTo(65536);
    assertThat(config.config().getJsonObject("mysql").getString("host")).isEqualTo("127.0.0.1");
    assertThat(config.deployments()).extracting(NodeConfig.Deployment::verticle, NodeConfig.Deployment::instances)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("http", 3), org.assertj.core.groups.Tuple.tuple("rooms", 1));
    assertThat(config.deployments().get(0).className()).isEqualTo("dev.parley.http.HttpVerticle");
  }

  @Test
  void environmentOverridesAnyKeyWithItsType() throws IOException {
    Path file = profile("""
        {"extends": "parley.json", "deploy": [{"verticle": "http", "config": {"http": {"port": 1}}}]}""");

    NodeConfig config = NodeConfig.load(file, Map.of(
        "PARLEY_HTTP_PORT", "9999",
        "PARLEY_MYSQL_DATABASE", "other",
        "PARLEY_KAFKA_ENABLED", "true"));

    assertThat(config.config().getJsonObject("http").getValue("port")).isEqualTo(9999L);
    assertThat(config.config().getJsonObject("mysql").getString("database")).isEqualTo("other");
    assertThat(config.config().getJsonObject("kafka").getBoolean("enabled")).isTrue();
    // The environment also wins over a profile's per-verticle config.
    assertThat(config.deployments().get(0).config().getJsonObject("http").getInteger("port")).isEqualTo(9999);
  }

  @Test
  void environmentValueOfTheWrongTypeNamesTheVariable() throws IOException {
    Path file = profile("""
        {"extends": "parley.json", "deploy": [{"verticle": "http"}]}""");

    assertThatThrownBy(() -> NodeConfig.load(file, Map.of("PARLEY_HTTP_PORT", "eighty")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_HTTP_PORT");
  }

  @Test
  void unknownVerticleIsNamedWithItsPosition() throws IOException {
    Path file = profile("""
        {"extends": "parley.json", "deploy": [{"verticle": "http"}, {"verticle": "chatbot"}]}""");

    assertThatThrownBy(() -> NodeConfig.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown verticle 'chatbot' in deploy[1]")
        .hasMessageContaining("known: hooks, http, notifier, persistence, rooms, search, socket");
  }

  @Test
  void malformedJsonNamesTheFile() throws IOException {
    Path file = profile("{\"extends\": \"parley.json\", \"deploy\": [");

    assertThatThrownBy(() -> NodeConfig.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test-profile.json: malformed JSON");
  }

  @Test
  void missingRequiredKeyIsNamed() throws IOException {
    Path file = profile("""
        {"deploy": [{"verticle": "http"}], "cluster": {"name": "x", "port": 5701}}""");

    assertThatThrownBy(() -> NodeConfig.load(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("missing required key 'cluster.host'");
  }

  @Test
  void missingDeployListAndBadInstanceCountsAreRefused() throws IOException {
    assertThatThrownBy(() -> NodeConfig.load(profile("{\"extends\": \"parley.json\"}"), Map.of()))
        .hasMessageContaining("missing required key 'deploy'");
    assertThatThrownBy(() -> NodeConfig.load(profile("""
        {"extends": "parley.json", "deploy": [{"verticle": "http", "instances": 0}]}"""), Map.of()))
        .hasMessageContaining("deploy[0].instances' must be at least 1");
  }

  @Test
  void extendsCycleIsRefused() throws IOException {
    Path file = profile("{\"extends\": \"test-profile.json\", \"deploy\": [{\"verticle\": \"http\"}]}");

    assertThatThrownBy(() -> NodeConfig.load(file, Map.of())).hasMessageContaining("cycle");
  }

  @Test
  void shippedProfilesLoadAndNameTheirVerticles() {
    Path conf = TestConfig.confDir();
    assertThat(verticles(conf.resolve("all-in-one.json")))
        .containsExactlyInAnyOrder("persistence", "rooms", "search", "notifier", "hooks", "http", "socket");
    assertThat(verticles(conf.resolve("edge.json"))).containsExactlyInAnyOrder("http", "socket");
    assertThat(verticles(conf.resolve("core.json"))).containsExactlyInAnyOrder("rooms", "persistence", "notifier", "hooks");
    assertThat(verticles(conf.resolve("search.json"))).containsExactly("search");
    assertThat(verticles(conf.resolve("hooks.json"))).containsExactly("hooks");
  }

  private static java.util.List<String> verticles(Path profile) {
    return NodeConfig.load(profile, Map.of()).deployments().stream().map(NodeConfig.Deployment::verticle).toList();
  }
}
