package dev.parley.node;

import dev.parley.common.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import dev.parley.contract.Addresses;
import java.time.Duration;
import java.util.Map;

/** Starts a real node from test code outside this package (benchmarks), without opening the launcher's API. */
public final class TestNodeLauncher {

  private TestNodeLauncher() {
  }

  /** A started node: its Vert.x, its metrics, and how to stop it. */
  public record Started(Node node) {

    public Vertx vertx() {
      return node.vertx();
    }

    public String scrape() {
      return Await.result(node.vertx().eventBus().<String>request(Addresses.NODE_METRICS, null,
          new DeliveryOptions().setLocalOnly(true)).map(Message::body));
    }

    public Future<Void> stop() {
      return node.stop();
    }
  }

  public static Started start(String deployJson, Map<String, String> env) {
    return new Started(TestNodes.start(deployJson, env));
  }

  /** A node given up to {@code timeout} to start (a benchmark on a shared, loaded machine). */
  public static Started start(String deployJson, Map<String, String> env, Duration timeout) {
    return new Started(TestNodes.start(deployJson, env, timeout));
  }
}
