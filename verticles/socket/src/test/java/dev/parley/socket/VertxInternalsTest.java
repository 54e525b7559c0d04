package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import org.junit.jupiter.api.Test;

/** Breaks (compile or run) when the Vert.x internals SharedTextFrames relies on move or change meaning. */
class SharedTextFramesTest {

  @Test
  void aSharedFrameIsAFinalTextFrameOfTheSameBytesAndLeavesThemReadableAgain() {
    Buffer bytes = Buffer.buffer("{\"type\":\"message\",\"text\":\"héllo\"}");
    WebSocketFrame first = SharedTextFrames.of(bytes);
    WebSocketFrame second = SharedTextFrames.of(bytes);
    assertThat(first.isText()).isTrue();
    assertThat(first.isFinal()).isTrue();
    assertThat(first.textData()).isEqualTo("{\"type\":\"message\",\"text\":\"héllo\"}");
    assertThat(second.binaryData()).isEqualTo(bytes);
    assertThat(bytes.length()).isEqualTo(bytes.getBytes().length);
  }
}
