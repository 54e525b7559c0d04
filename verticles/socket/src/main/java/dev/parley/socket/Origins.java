package dev.parley.socket;

import dev.parley.common.PublicUrl;
import dev.parley.common.Settings;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which browser origins may use the socket port. Allowed: {@code socket.allowedOrigins} ({@code "*"}: all), and
 * by default the page's own origin wherever this node serves it: {@code http.publicUrl}, and the node's own
 * addresses (loopback, {@code http.host}, every local interface when it listens on all) on {@code http.port}
 * and on the socket port itself (SockJS iframe transports run at the socket's origin). Requests without an
 * Origin (non-browser clients) are allowed. A refused origin gets a body that says which setting to change.
 */
final class Origins {

  private final Set<String> allowed;
  private final boolean any;

  private Origins(Set<String> allowed, boolean any) {
    this.allowed = Set.copyOf(allowed);
    this.any = any;
  }

  /** Reads the settings and the local interfaces: blocking, call from a worker. */
  static Origins from(Settings settings, List<String> configured) {
    Set<String> origins = new LinkedHashSet<>(configured);
    PublicUrl page = PublicUrl.of(settings, "http.publicUrl");
    if (page != null) {
      origins.add(page.origin());
    }
    List<String> hosts = ownHosts(settings.string("http.host", "0.0.0.0"));
    for (int port : new int[] {settings.integer("http.port", 8080), settings.integer("socket.port", 8090)}) {
      hosts.forEach(host -> origins.add(new PublicUrl("http", host, port).origin()));
    }
    return new Origins(origins, configured.contains("*"));
  }

  private static List<String> ownHosts(String listenHost) {
    Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    if (!listenHost.isBlank() && !"0.0.0.0".equals(listenHost) && !"::".equals(listenHost)) {
      hosts.add(listenHost);
      return List.copyOf(hosts);
    }
    try {
      for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress address : Collections.list(network.getInetAddresses())) {
          if (!address.isLinkLocalAddress()) {
            hosts.add(address.getHostAddress().replaceAll("%.*$", ""));
          }
        }
      }
    } catch (SocketException unreadable) {
      // Loopback only: other pages need socket.allowedOrigins or http.publicUrl.
    }
    return List.copyOf(hosts);
  }

  boolean allowed(String origin) {
    return origin == null || any || allowed.contains(origin);
  }

  /** The origins CorsHandler should answer (none when all are allowed). */
  Set<String> listed() {
    return any ? Set.of() : allowed;
  }

  /** 403 with the contract's error body naming what to configure. */
  static void refuse(RoutingContext ctx, String origin) {
    ctx.response().setStatusCode(403).putHeader("Content-Type", "application/json")
        .end(new ParleyException(ErrorCode.FORBIDDEN, "origin '" + origin + "' may not use the socket port: add it "
            + "to socket.allowedOrigins (PARLEY_SOCKET_ALLOWEDORIGINS), or set http.publicUrl to the page's URL",
            "socket.allowedOrigins").toErrorBody().encode());
  }
}
