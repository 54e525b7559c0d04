package dev.parley.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.common.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client options built from the {@code redis} section; nothing connects. */
class RedisSupportTest {

  private static RedisOptions options(Map<String, String> env) {
    JsonObject config = TestConfig.config(env);
    return RedisSupport.options(Settings.of(config));
  }

  @Test
  void defaultIsOneServerFromTheUrl() {
    RedisOptions options = options(Map.of("PARLEY_REDIS_URL", "redis://10.0.0.9:6380/2"));

    assertThat(options.getType()).isEqualTo(RedisClientType.STANDALONE);
    assertThat(options.getEndpoints()).containsExactly("redis://10.0.0.9:6380/2");
    assertThat(options.getMaxPoolSize()).isEqualTo(8);
    assertThat(options.getMaxPoolWaiting()).isEqualTo(1024);
  }

  @Test
  void clusterUsesEveryListedSeedNode() {
    RedisOptions options = options(Map.of(
        "PARLEY_REDIS_TYPE", "cluster",
        "PARLEY_REDIS_ENDPOINTS", "redis://10.0.1.1:7000, redis://10.0.1.2:7000,,redis://10.0.1.3:7000"));

    assertThat(options.getType()).isEqualTo(RedisClientType.CLUSTER);
    assertThat(options.getEndpoints())
        .containsExactly("redis://10.0.1.1:7000", "redis://10.0.1.2:7000", "redis://10.0.1.3:7000");
  }

  @Test
  void clusterWithoutEndpointsSeedsFromTheUrl() {
    RedisOptions options = options(Map.of("PARLEY_REDIS_TYPE", "cluster", "PARLEY_REDIS_URL", "redis://seed:7000"));

    assertThat(options.getType()).isEqualTo(RedisClientType.CLUSTER);
    assertThat(options.getEndpoints()).containsExactly("redis://seed:7000");
  }

  @Test
  void sentinelAsksTheSentinelsForTheMaster() {
    RedisOptions options = options(Map.of(
        "PARLEY_REDIS_TYPE", "sentinel",
        "PARLEY_REDIS_ENDPOINTS", "redis://s1:26379,redis://s2:26379,redis://s3:26379",
        "PARLEY_REDIS_MASTERNAME", "parley"));

    assertThat(options.getType()).isEqualTo(RedisClientType.SENTINEL);
    assertThat(options.getEndpoints()).hasSize(3);
    assertThat(options.getMasterName()).isEqualTo("parley");
    assertThat(options.getRole()).isEqualTo(RedisRole.MASTER);
  }

  @Test
  void endpointsMayBeAJsonArrayInAProfile() {
    JsonObject config = TestConfig.config(Map.of());
    config.getJsonObject("redis").put("type", "cluster")
        .put("endpoints", new io.vertx.core.json.JsonArray().add("redis://a:7000").add("redis://b:7000"));

    assertThat(RedisSupport.options(Settings.of(config)).getEndpoints())
        .containsExactly("redis://a:7000", "redis://b:7000");
  }

  @Test
  void unknownTypeIsAConfigErrorNamingTheKey() {
    assertThatThrownBy(() -> options(Map.of("PARLEY_REDIS_TYPE", "replicated")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redis.type");
  }

  @Test
  void blankKeyPrefixIsDerivedFromTheClusterNameAndDatabase() {
    JsonObject config = TestConfig.config(Map.of());
    config.getJsonObject("redis").put("keyPrefix", "");
    config.getJsonObject("cluster").put("name", "acme-prod");
    config.getJsonObject("mysql").put("database", "parley_acme");
    JsonObject other = config.copy();
    other.getJsonObject("mysql").put("database", "parley_staging");

    assertThat(RedisSupport.keyPrefix(Settings.of(config))).isEqualTo("parley:acme-prod/parley_acme:");
    assertThat(RedisSupport.keyPrefix(Settings.of(other))).isEqualTo("parley:acme-prod/parley_staging:");
  }

  @Test
  void configuredKeyPrefixIsUsedAsIs() {
    JsonObject config = TestConfig.config(Map.of("PARLEY_REDIS_KEYPREFIX", "shared:"));

    assertThat(RedisSupport.keyPrefix(Settings.of(config))).isEqualTo("shared:");
  }
}
