package dev.parley.http;

import dev.parley.common.PublicUrl;
import dev.parley.common.Settings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
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
    String configured = settings.string("http.publicSocketUrl", "");
    String socketUrl = configured.isBlank() ? socketUrl(settings) : configured;
    String clientConfig = new JsonObject().put("socketUrl", socketUrl).encode();
    router.get("/client-config.json").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(clientConfig));
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

  /**
   * {@code http.publicSocketUrl} unset: the bridge on {@code socket.port} of the host named by configuration,
   * never by the request (a forged Host header would otherwise send the page's token to another server): the
   * host of {@code http.publicUrl} (and its scheme), else {@code socket.host} when it is one address, else
   * localhost.
   */
  static String socketUrl(Settings settings) {
    int socketPort = settings.integer("socket.port", 8090);
    PublicUrl page = PublicUrl.of(settings, "http.publicUrl");
    if (page != null) {
      return page.scheme() + "://" + page.urlHost() + ":" + socketPort + "/eventbus";
    }
    String host = settings.string("socket.host", "");
    if (host.isBlank() || "0.0.0.0".equals(host) || "::".equals(host)) {
      host = "localhost";
    }
    return "http://" + new PublicUrl("http", host, socketPort).urlHost() + ":" + socketPort + "/eventbus";
  }
}
