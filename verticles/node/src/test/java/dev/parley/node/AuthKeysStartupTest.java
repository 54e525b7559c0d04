package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.ConfigException;
import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node with the HTTP verticle refuses to start without usable JWT keys, naming the config key. */
class AuthKeysStartupTest {

  private static Map<String, String> environment(Map<String, String> overrides) {
    Map<String, String> env = TestConfig.environment();
    env.putAll(overrides);
    return env;
  }

  @Test
  void aNodeWithoutVerificationKeysDoesNotStart() {
    Map<String, String> env = environment(Map.of("PARLEY_AUTH_VERIFICATIONKEYS", "[]"));

    Throwable failure = Await.failure(Node.start(NodeConfig.load(TestNodes.profile("[{\"verticle\": \"http\"}]"), env)));

    // Main turns exactly this into one "config error" line and exit code 2.
    assertThat(failure).isInstanceOf(Node.DeploymentFailure.class).hasMessageContaining("auth.verificationKeys");
    assertThat(failure.getCause()).isInstanceOf(ConfigException.class);
  }

  /** The HTTP verticle alone (no cluster needed) with a key file missing. */
  private static Throwable deployFailure(Map<String, String> overrides) {
    NodeConfig config = NodeConfig.load(TestNodes.profile("[{\"verticle\": \"http\"}]"), environment(overrides));
    Vertx vertx = Vertx.vertx();
    try {
      return Await.failure(vertx.deployVerticle(config.deployments().get(0).className(),
          new DeploymentOptions().setConfig(config.deployments().get(0).config())));
    } finally {
      Await.result(vertx.close());
    }
  }

  @Test
  void missingKeyFilesAreNamed() {
    assertThat(deployFailure(Map.of("PARLEY_AUTH_SIGNINGKEYFILE", "/nonexistent/jwt-private.pem")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("auth.signingKeyFile").hasMessageContaining("/nonexistent/jwt-private.pem");
    assertThat(deployFailure(Map.of("PARLEY_AUTH_VERIFICATIONKEYS",
        "[{\"kid\": \"k\", \"file\": \"/nonexistent/jwt-public.pem\"}]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("auth.verificationKeys[0].file");
    assertThat(deployFailure(Map.of("PARLEY_AUTH_SIGNINGKEYID", "not-listed")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("auth.signingKeyId");
  }
}
