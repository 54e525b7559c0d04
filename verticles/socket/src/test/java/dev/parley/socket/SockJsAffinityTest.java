package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two instances serve SockJS on one port, routed as {@link SocketVerticle} does (the affinity, then the SockJS
 * router), with an echo socket. Every request is on a new connection, so the server spreads them over both
 * instances' event loops: the stateless ones land on both, and a session's polls and sends all on one.
 */
class SockJsAffinityTest {

  private static final Vertx vertx = Vertx.vertx();
  /** The thread that served each request, by path: as the SockJS router saw it. */
  private static final Map<String, Queue<String>> servedOn = new ConcurrentHashMap<>();
  private static final int port = TestConfig.freePort();
  private static HttpClient http;

  static final class EchoServer extends VerticleBase {
    private SockJsAffinity affinity;

    @Override
    public Future<?> start() {
      Router sockJs = Router.router(vertx);
      sockJs.route("/*").handler(ctx -> {
        servedOn.computeIfAbsent(ctx.normalizedPath(), path -> new ConcurrentLinkedQueue<>())
            .add(Thread.currentThread().getName());
        ctx.next();
      });
      sockJs.route("/*").subRouter(SockJSHandler.create(vertx).socketHandler(socket -> socket.handler(socket::write)));
      affinity = new SockJsAffinity(vertx, sockJs);
      Router router = Router.router(vertx);
      router.post("/eventbus/*").handler(BodyHandler.create(false));
      router.route("/eventbus/*").handler(affinity::handle);
      router.route("/eventbus/*").subRouter(sockJs);
      return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
    }

    @Override
    public Future<?> stop() {
      affinity.release();
      return Future.succeededFuture();
    }
  }

  @BeforeAll
  static void start() {
    Await.result(vertx.deployVerticle(EchoServer::new, new DeploymentOptions().setInstances(2)));
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static String request(HttpMethod method, String path, String body) {
    Promise<String> reply = Promise.promise();
    vertx.runOnContext(start -> http.request(method, port, "127.0.0.1", path)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(bytes -> response.statusCode() + " " + bytes))
        .onComplete(reply));
    return Await.result(reply.future());
  }

  @Test
  void aSessionsPollsAndSendsAreServedOnOneEventLoop() {
    for (int i = 0; i < 4; i++) {
      assertThat(request(HttpMethod.GET, "/eventbus/info", null)).startsWith("200 {");
    }
    for (int i = 0; i < 6; i++) {
      String session = "/eventbus/000/session" + i + "/";
      assertThat(request(HttpMethod.POST, session + "xhr", null)).isEqualTo("200 o\n");
      assertThat(request(HttpMethod.POST, session + "xhr_send", "[\"hello " + i + "\"]")).startsWith("204");
      assertThat(request(HttpMethod.POST, session + "xhr", null)).isEqualTo("200 a[\"hello " + i + "\"]\n");
    }

    // The test does spread requests: the stateless ones were served on both event loops.
    assertThat(servedOn.get("/eventbus/info").stream().distinct()).hasSize(2);
    List<String> sessionThreads = servedOn.entrySet().stream().filter(e -> e.getKey().contains("/session"))
        .flatMap(e -> e.getValue().stream()).distinct().collect(Collectors.toList());
    assertThat(sessionThreads).hasSize(1);
  }
}
