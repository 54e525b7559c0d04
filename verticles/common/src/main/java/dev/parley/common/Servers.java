package dev.parley.common;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;

/** Starting a verticle's listening socket, with a failure that names the config key to change. */
public final class Servers {

  private Servers() {
  }

  /** Listens on {@code <section>.host}:{@code <section>.port}; a port in use fails with a {@link ConfigException}. */
  public static Future<HttpServer> listen(HttpServer server, Settings settings, String section) {
    String host = settings.string(section + ".host");
    int port = settings.port(section + ".port");
    return server.listen(port, host).recover(failure -> Future.failedFuture(new ConfigException(
        "key '" + section + ".port': cannot listen on " + host + ":" + port + " (" + failure.getMessage() + ")")));
  }
}
