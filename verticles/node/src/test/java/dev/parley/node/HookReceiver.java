package dev.parley.node;

import dev.parley.common.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An outgoing-webhook receiver for tests: an HTTP server that checks {@code X-Parley-Signature} against the hook's
 * secret (computed here, independently of the server's code), records every delivery and answers {@link #status}.
 * It can be stopped and started again on the same port (a receiver that is down).
 */
final class HookReceiver {

  /** One POST: its event id header, whether the signature verified, and the body. */
  record Delivery(String eventId, boolean signed, JsonObject body) {
  }

  private final Vertx vertx;
  private final String secret;
  private final List<Delivery> deliveries = new ArrayList<>();
  private HttpServer server;
  private int port;
  volatile int status = 200;

  HookReceiver(Vertx vertx, String secret) {
    this.vertx = vertx;
    this.secret = secret;
  }

  HookReceiver start() {
    server = Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      String expected = "sha256=" + hmac(body.getBytes());
      synchronized (deliveries) {
        deliveries.add(new Delivery(request.getHeader("X-Parley-Event-Id"),
            expected.equals(request.getHeader("X-Parley-Signature")), body.toJsonObject()));
      }
      request.response().setStatusCode(status).end();
    })).listen(port, "127.0.0.1"));
    port = server.actualPort();
    return this;
  }

  void stop() {
    Await.result(server.close());
  }

  String url() {
    return "http://127.0.0.1:" + port + "/hooks/parley?source=test";
  }

  List<Delivery> deliveries() {
    synchronized (deliveries) {
      return List.copyOf(deliveries);
    }
  }

  private String hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
