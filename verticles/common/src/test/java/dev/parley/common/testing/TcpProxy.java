package dev.parley.common.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy a test controls, to take a real server (MySQL, Redis) away and bring it back: {@link #cut()}
 * drops every open connection and refuses new ones; {@link #stall()} keeps connections open but stops moving
 * bytes (a hung server); {@link #restore()} undoes either.
 */
public final class TcpProxy {

  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private NetServer server;
  private volatile boolean stalled;

  private TcpProxy(Vertx vertx, String targetHost, int targetPort, int port) {
    this.vertx = vertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.port = port;
    this.client = vertx.createNetClient();
  }

  public static Future<TcpProxy> start(Vertx vertx, String targetHost, int targetPort) {
    TcpProxy proxy = new TcpProxy(vertx, targetHost, targetPort, TestConfig.freePort());
    return proxy.restore().map(proxy);
  }

  public int port() {
    return port;
  }

  /** Accepts connections and moves bytes again. */
  public Future<Void> restore() {
    if (stalled) {
      stalled = false;
      sockets.forEach(NetSocket::resume);
      return Future.succeededFuture();
    }
    server = vertx.createNetServer().connectHandler(this::relay);
    return server.listen(port, "127.0.0.1").mapEmpty();
  }

  /** Stops reading from every connection, old and new: the peer sees a server that never answers. */
  public void stall() {
    stalled = true;
    sockets.forEach(NetSocket::pause);
  }

  /** Closes the listening socket and every relayed connection, like a server that went away. */
  public Future<Void> cut() {
    Future<Void> closed = server.close();
    sockets.forEach(NetSocket::close);
    sockets.clear();
    return closed;
  }

  private void relay(NetSocket inbound) {
    inbound.pause();
    sockets.add(inbound);
    client.connect(targetPort, targetHost).onComplete(connected -> {
      if (connected.failed()) {
        inbound.close();
        return;
      }
      NetSocket outbound = connected.result();
      sockets.add(outbound);
      inbound.pipeTo(outbound);
      outbound.pipeTo(inbound);
      inbound.closeHandler(closed -> outbound.close());
      outbound.closeHandler(closed -> inbound.close());
      if (stalled) {
        outbound.pause();
      } else {
        inbound.resume();
      }
    });
  }
}
