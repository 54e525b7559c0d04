package dev.parley.http;

import dev.parley.common.Settings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The browser chat page: static files from the classpath {@code webroot/} at {@code /} (page sources in this
 * module; {@code webroot/vendor/} holds the npm event-bus client and SockJS, copied in by scripts/web-deps),
 * and {@code GET /client-config.json} telling the page where the SockJS bridge is. Mounted after the API and
 * operations routes and never for {@code /api/}, so it cannot shadow them; a missing file falls through to
 * the JSON 404.
 */
final class WebClientRoutes {

  /** The page loads scripts and styles only from this origin and talks to the API here and to the bridge. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self' http: https: ws: wss:; frame-src http: https:; "
      + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private WebClientRoutes() {
  }

  static void mount(Router router, Settings settings) {
    String publicSocketUrl = settings.string("http.publicSocketUrl", "");
    int socketPort = settings.integer("socket.port", 8090);
    router.get("/client-config.json").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("socketUrl", publicSocketUrl.isBlank()
            ? sameHostSocketUrl(ctx, socketPort) : publicSocketUrl).encode()));
    StaticHandler files = StaticHandler.create("webroot")
        .setIndexPage("index.html")
        .setDirectoryListing(false)
        .setMaxAgeSeconds(60);
    router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
      if (ctx.normalizedPath().startsWith("/api/")) {
        ctx.next();
        return;
      }
      ctx.response()
          .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer");
      files.handle(ctx);
    });
  }

  /** {@code http.publicSocketUrl} unset: the host the page was loaded from, on the socket verticle's port. */
  static String sameHostSocketUrl(RoutingContext ctx, int socketPort) {
    HostAndPort authority = ctx.request().authority();
    String host = authority == null || authority.host() == null || authority.host().isEmpty()
        ? "localhost" : authority.host();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    String scheme = ctx.request().isSSL() ? "https" : "http";
    return scheme + "://" + host + ":" + socketPort + "/eventbus";
  }
}
