package dev.parley.socket;

import io.netty.channel.Channel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The one place that uses Vert.x internals, each for a measured gain (docs/benchmarks.md, issue 21);
 * VertxInternalsTest breaks if they move.
 * <ul>
 *   <li>{@link #textFrame}: a text frame over bytes encoded once and shared by every socket of a room. Vert.x 5.0
 *       has no public text-frame factory taking bytes ({@code WebSocketFrame.textFrame} takes a String and encodes
 *       it again per socket); {@code getByteBuf()} is a slice with its own read index, so the same bytes go to
 *       any number of sockets.</li>
 *   <li>{@link #channel}: the Netty channel under a request, to put {@link FlushCoalescer} in its pipeline
 *       before the WebSocket upgrade (Vert.x flushes every write made outside a read: one system call per
 *       frame).</li>
 * </ul>
 */
final class VertxInternals {

  private VertxInternals() {
  }

  static WebSocketFrame textFrame(Buffer utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) utf8).getByteBuf(), true);
  }

  /** The channel of an HTTP/1.x request's connection (the one its WebSocket will use after the upgrade). */
  static Channel channel(HttpServerRequest request) {
    return ((ConnectionBase) request.connection()).channel();
  }
}
