package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.node.ApiClient.User;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One node with the hooks verticle for the outgoing-webhook tests: receivers are HTTP servers of the test on
 * loopback, so {@code hooks.allowPrivateTargets} is on; the given {@code PARLEY_HOOKS_*} settings on top. Started
 * and ready (its {@code /ready} answers 200) when constructed.
 */
final class HooksNode implements AutoCloseable {

  final Map<String, String> env = TestConfig.environment();
  final Node node;
  final Vertx client;
  final ApiClient api;

  HooksNode(String deployJson, Map<String, String> hookSettings) {
    env.put("PARLEY_HOOKS_ALLOWPRIVATETARGETS", "true");
    env.putAll(hookSettings);
    node = TestNodes.start(deployJson, env);
    client = Vertx.vertx();
    api = new ApiClient(client, Integer.parseInt(env.get("PARLEY_HTTP_PORT")));
    api.await(() -> Await.result(api.web.get(Integer.parseInt(env.get("PARLEY_MANAGEMENT_PORT")), "127.0.0.1",
        "/ready").send()).statusCode(), status -> status == 200, Duration.ofSeconds(30));
  }

  int port(String variable) {
    return Integer.parseInt(env.get(variable));
  }

  /** Creates an outgoing hook to the receiver (owner/admin); its id. The secret is never answered. */
  static String hook(ApiClient api, User owner, String room, HookReceiver receiver, String secret, String... events) {
    HttpResponse<Buffer> created = api.call(HttpMethod.POST, "/rooms/" + room + "/hooks", owner, new JsonObject()
        .put("url", receiver.url()).put("events", new JsonArray(List.of((Object[]) events))).put("secret", secret));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertThat(created.bodyAsString()).doesNotContain(secret);
    return created.bodyAsJsonObject().getString("id");
  }

  @Override
  public void close() {
    Await.result(node.stop());
    Await.result(TestDatabases.drop(client, TestConfig.config(env)));
    Await.result(client.close());
  }
}
