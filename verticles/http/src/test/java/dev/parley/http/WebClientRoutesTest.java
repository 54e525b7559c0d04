package dev.parley.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.Settings;
import dev.parley.common.testing.Await;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat page's routes mounted as HttpVerticle mounts them, between the API and the JSON 404: files from the
 * classpath webroot, the client config, and nothing shadowed.
 */
class WebClientRoutesTest {

  private static Vertx vertx;
  private static HttpClient client;
  private static int port;
  private static int configuredPort;
  private static int publicPort;

  record Reply(int status, MultiMap headers, String body) {
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
    port = listen(new JsonObject().put("socket", new JsonObject().put("port", 8091)));
    configuredPort = listen(new JsonObject().put("http", new JsonObject()
        .put("publicSocketUrl", "https://chat.example/eventbus")));
    publicPort = listen(new JsonObject().put("socket", new JsonObject().put("port", 8091))
        .put("http", new JsonObject().put("publicUrl", "https://chat.example/")));
  }

  private static int listen(JsonObject config) {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    Router api = Router.router(vertx);
    api.get("/rooms").handler(ctx -> ctx.json(new JsonObject().put("rooms", "api")));
    router.route("/api/v1/*").subRouter(api);
    WebClientRoutes.mount(router, Settings.of(config));
    router.route().last().handler(ctx ->
        ErrorResponses.send(ctx, new ParleyException(ErrorCode.NOT_FOUND, "no such endpoint")));
    HttpServer server = Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    return server.actualPort();
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  /**
   * The whole exchange runs on one Vert.x context. Started from the test thread instead, the chain's callbacks
   * could run on either thread, and a response could end before its body handler was set: the request then hung
   * (seen in about one run in four).
   */
  private static Reply get(int port, String path) {
    return get(port, path, null);
  }

  /** {@code host}: the Host header to send (null: the server's address). */
  private static Reply get(int port, String path, String host) {
    Promise<Reply> reply = Promise.promise();
    vertx.runOnContext(start -> client.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(request -> {
          if (host != null) {
            request.authority(HostAndPort.create(host, 80));
          }
          return request.send();
        })
        .compose(response -> response.body().map(body ->
            new Reply(response.statusCode(), response.headers(), body.toString())))
        .onComplete(reply));
    return Await.result(reply.future());
  }

  @Test
  void thePageIsServedAtTheRootWithAStrictPolicy() {
    Reply page = get(port, "/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().get("content-type")).startsWith("text/html");
    assertThat(page.body()).contains("<title>Parley</title>", "vendor/vertx-eventbus.js", "app.js");
    assertThat(page.headers().get("Content-Security-Policy")).contains("script-src 'self'");
    assertThat(page.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
    Reply script = get(port, "/app.js");
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.headers().get("content-type")).contains("javascript");
  }

  /** At the root, so its default scope is the whole page; browsers refuse a service worker of another type. */
  @Test
  void theServiceWorkerIsAScriptAtTheRoot() {
    Reply worker = get(port, "/push-sw.js");
    assertThat(worker.status()).isEqualTo(200);
    assertThat(worker.headers().get("content-type")).contains("javascript");
    assertThat(worker.body()).contains("addEventListener('push'", "showNotification");
  }

  @Test
  void theClientConfigNamesTheBridgeOnTheSocketPortOrTheConfiguredUrl() {
    Reply sameHost = get(port, "/client-config.json");
    assertThat(sameHost.status()).isEqualTo(200);
    assertThat(new JsonObject(sameHost.body()).getString("socketUrl")).isEqualTo("http://localhost:8091/eventbus");
    assertThat(sameHost.headers().get("cache-control")).isEqualTo("no-store");
    Reply configured = get(configuredPort, "/client-config.json");
    assertThat(new JsonObject(configured.body()).getString("socketUrl")).isEqualTo("https://chat.example/eventbus");
  }

  @Test
  void theClientConfigNeverReflectsTheHostHeader() {
    Reply forged = get(port, "/client-config.json", "evil.example");
    assertThat(new JsonObject(forged.body()).getString("socketUrl")).isEqualTo("http://localhost:8091/eventbus");
    Reply pinned = get(publicPort, "/client-config.json", "evil.example");
    assertThat(new JsonObject(pinned.body()).getString("socketUrl")).isEqualTo("https://chat.example:8091/eventbus");
  }

  @Test
  void apiAndOperationsRoutesAreNotShadowedAndMissingFilesGetTheJson404() {
    assertThat(new JsonObject(get(port, "/api/v1/rooms").body()).getString("rooms")).isEqualTo("api");
    assertThat(get(port, "/health").body()).contains("UP");
    for (String path : new String[] {"/api/v1/nope", "/nope.js", "/api/index.html", "/../pom.xml", "/vendor/"}) {
      Reply missing = get(port, path);
      assertThat(missing.status()).as(path).isEqualTo(404);
      assertThat(new JsonObject(missing.body()).getJsonObject("error").getString("code")).as(path)
          .isEqualTo("not_found");
    }
  }

  @Test
  void onlyGetAndHeadReachTheFiles() {
    int status = Await.result(client.request(HttpMethod.POST, port, "127.0.0.1", "/index.html")
        .compose(request -> request.send()).map(response -> response.statusCode()));
    assertThat(status).isEqualTo(404);
    Future<Integer> head = client.request(HttpMethod.HEAD, port, "127.0.0.1", "/")
        .compose(request -> request.send()).map(response -> response.statusCode());
    assertThat(Await.result(head)).isEqualTo(200);
  }
}
