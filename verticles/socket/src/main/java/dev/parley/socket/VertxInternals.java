package dev.parley.socket;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The one place that uses Vert.x internals: a text frame over bytes encoded once and shared by every socket
 * of a room. Vert.x 5.0 has no public text-frame factory taking bytes ({@code WebSocketFrame.textFrame} takes
 * a String and encodes it again per socket), so the frame is built with its implementation class;
 * {@code getByteBuf()} is a slice with its own read index, so the same bytes go to any number of sockets.
 * SharedTextFramesTest breaks if these internals move.
 */
final class SharedTextFrames {

  private SharedTextFrames() {
  }

  static WebSocketFrame of(Buffer utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) utf8).getByteBuf(), true);
  }
}
