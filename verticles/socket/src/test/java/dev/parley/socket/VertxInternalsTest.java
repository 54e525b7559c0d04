package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import io.netty.channel.Channel;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketFrame;
import org.junit.jupiter.api.Test;

/** Breaks (compile or run) when the Vert.x internals VertxInternals relies on move or change meaning. */
class VertxInternalsTest {

  @Test
  void aSharedFrameIsAFinalTextFrameOfTheSameBytesAndLeavesThemReadableAgain() {
    Buffer bytes = Buffer.buffer("{\"type\":\"message\",\"text\":\"héllo\"}");
    WebSocketFrame first = VertxInternals.textFrame(bytes);
    WebSocketFrame second = VertxInternals.textFrame(bytes);
    assertThat(first.isText()).isTrue();
    assertThat(first.isFinal()).isTrue();
    assertThat(first.textData()).isEqualTo("{\"type\":\"message\",\"text\":\"héllo\"}");
    assertThat(second.binaryData()).isEqualTo(bytes);
    assertThat(bytes.length()).isEqualTo(bytes.getBytes().length);
  }

  @Test
  void aRequestsChannelIsTheOpenConnectionItCameOn() {
    Vertx vertx = Vertx.vertx();
    try {
      Promise<String> seen = Promise.promise();
      HttpServer server = Await.result(vertx.createHttpServer().requestHandler(request -> {
        Channel channel = VertxInternals.channel(request);
        seen.complete(channel.isActive() + " " + (channel.eventLoop().inEventLoop()) + " "
            + channel.remoteAddress().toString().endsWith(":" + request.remoteAddress().port()));
        request.response().end();
      }).listen(0, "127.0.0.1"));
      Await.result(vertx.createHttpClient().request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
          .compose(request -> request.send()));
      assertThat(Await.result(seen.future())).isEqualTo("true true true");
    } finally {
      Await.result(vertx.close());
    }
  }
}
