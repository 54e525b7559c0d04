package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.ConfigException;
import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node with the HTTP verticle refuses to start without usable JWT keys, naming the config key. */
class AuthKeysStartupTest {

  private static Throwable startFailure(Map<String, String> overrides) {
    Map<String, String> env = TestConfig.environment();
    env.putAll(overrides);
    return Await.failure(Node.start(NodeConfig.load(TestNodes.profile("[{\"verticle\": \"http\"}]"), env)));
  }

  @Test
  void noVerificationKeys() {
    Throwable failure = startFailure(Map.of("PARLEY_AUTH_VERIFICATIONKEYS", "[]"));

    assertThat(failure).isInstanceOf(Node.DeploymentFailure.class).hasMessageContaining("auth.verificationKeys");
    assertThat(failure.getCause()).isInstanceOf(ConfigException.class);
  }

  @Test
  void missingKeyFiles() {
    Throwable noSigningKey = startFailure(Map.of("PARLEY_AUTH_SIGNINGKEYFILE", "/nonexistent/jwt-private.pem"));
    assertThat(noSigningKey.getCause()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("auth.signingKeyFile").hasMessageContaining("/nonexistent/jwt-private.pem");

    Throwable noPublicKey = startFailure(Map.of("PARLEY_AUTH_VERIFICATIONKEYS",
        "[{\"kid\": \"k\", \"file\": \"/nonexistent/jwt-public.pem\"}]"));
    assertThat(noPublicKey.getCause()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("auth.verificationKeys[0].file");
  }
}
