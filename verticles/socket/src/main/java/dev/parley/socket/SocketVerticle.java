package dev.parley.socket;

import dev.parley.common.HealthChecks;
import dev.parley.common.Meters;
import dev.parley.common.RedisSupport;
import dev.parley.common.Servers;
import dev.parley.common.Settings;
import dev.parley.common.TrustedProxies;
import dev.parley.common.auth.AccessTokens;
import dev.parley.common.auth.BotTokens;
import dev.parley.common.auth.TokenAuthenticator;
import dev.parley.common.auth.SessionGuard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real-time sessions on the socket port: the WebSocket endpoint {@code /ws} (the contract's frames) and the
 * SockJS event-bus bridge {@code /eventbus} for browsers. Raw WebSockets are upgraded inside the router, so the
 * SockJS transports on the same server keep working.
 */
public final class SocketVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SocketVerticle.class);

  /** The WebSocket codec reads frames up to this many times {@code socket.maxFrameBytes} (see start()). */
  static final int CODEC_FRAME_FACTOR = 16;
  /** Where the socket port serves the bundled sockjs-client, and where it is on the classpath. */
  static final String SOCKJS_CLIENT_PATH = "/assets/sockjs.min.js";
  private static final String SOCKJS_CLIENT_RESOURCE = "socket-assets/sockjs.min.js";

  private SocketConfig config;
  private Redis redis;
  private SessionGuard guard;
  private SocketAuth auth;
  private SessionHub hub;
  private Sessions sessions;
  private Origins origins;
  private Presence presence;
  private HttpServer server;
  private SockJsAffinity affinity;
  private MessageConsumer<JsonObject> healthCheck;
  /** The presence rule given by a test, or null: users' blocks ({@link BlockedPresence}). */
  private final PresenceVisibility visibility;
  private BlockedPresence blocks;

  public SocketVerticle() {
    this(null);
  }

  /** With another presence rule (tests). */
  SocketVerticle(PresenceVisibility visibility) {
    this.visibility = visibility;
  }

  @Override
  public Future<?> start() {
    Settings settings = Settings.of(config());
    config = SocketConfig.from(settings);
    redis = RedisSupport.client(vertx, settings);
    RedisAPI api = RedisAPI.api(redis);
    String prefix = RedisSupport.keyPrefix(settings);
    guard = new SessionGuard(vertx, api, prefix, SessionGuard.options(settings));
    presence = new Presence(api, prefix, config.presenceTtlSeconds());
    blocks = visibility == null
        ? new BlockedPresence(vertx, config.requestTimeoutMs(), config.blocksCacheSeconds() * 1000L,
            config.blocksCacheEntries())
        : null;
    return vertx.executeBlocking(() -> Origins.from(settings, config.allowedOrigins())).compose(found -> {
      origins = found;
      return AccessTokens.load(vertx, settings);
    }).compose(tokens -> {
      auth = new SocketAuth(new TokenAuthenticator(tokens, new BotTokens(vertx, config.requestTimeoutMs()), guard));
      hub = new SessionHub(vertx, config, new SocketMetrics(Meters.registry()), presence, auth,
          visibility != null ? visibility : blocks, new EventBusGatewayClient(vertx, config));
      sessions = new Sessions(vertx, config, hub, presence);
      return Future.all(guard.start(), hub.start(), blocks == null ? Future.succeededFuture() : blocks.start(),
          HealthChecks.register(vertx, "redis", () -> RedisSupport.ping(api)).onSuccess(h -> healthCheck = h));
    }).compose(ready -> {
      sessions.startTimers();
      HttpServerOptions options = new HttpServerOptions()
          // Frames up to 16x the limit are read and refused with a close frame 4413 (TextMessages); only larger
          // ones reach the codec's own limit, which drops the connection.
          .setMaxWebSocketFrameSize(config.maxFrameBytes() * CODEC_FRAME_FACTOR)
          .setMaxWebSocketMessageSize(config.maxFrameBytes() * CODEC_FRAME_FACTOR)
          .setPerMessageWebSocketCompressionSupported(false)
          .setPerFrameWebSocketCompressionSupported(false);
      return Servers.listen(vertx.createHttpServer(options).requestHandler(router(TrustedProxies.from(settings))), settings, "socket");
    }).onSuccess(listening -> {
      server = listening;
      LOG.info("socket verticle started on port {}", listening.actualPort());
    });
  }

  private Router router(TrustedProxies proxies) {
    AddressLimit addresses = new AddressLimit(vertx, config.maxConnectionsPerAddress(), config.addressLimitExempt(),
        proxies);
    WebSocketEndpoint webSockets = new WebSocketEndpoint(vertx, config, origins, addresses, auth, hub, sessions);
    BridgeEndpoint bridge = new BridgeEndpoint(vertx, config, addresses, auth, hub, sessions);
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/ws").handler(webSockets::upgrade);
    // The SockJS client that /eventbus/iframe.html loads: the bundled copy, not a CDN script.
    router.get(SOCKJS_CLIENT_PATH).handler(ctx -> ctx.response().putHeader("Cache-Control", "max-age=3600")
        .putHeader("Content-Type", "application/javascript").sendFile(SOCKJS_CLIENT_RESOURCE)
        .onFailure(missing -> ctx.response().setStatusCode(404).end()));
    // Browsers: origin allow-list and CORS for every SockJS transport (XHR, EventSource, iframe...), then SockJS.
    router.route("/eventbus/*").handler(this::checkOrigin);
    router.route("/eventbus/*").handler(cors());
    // xhr_send and jsonp_send POST their frames: SockJS reads them from the parsed body.
    router.post("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(config.maxFrameBytes() * 4L));
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions()
        .setHeartbeatInterval(config.heartbeatMs())
        // A polling client has no open request between two polls; SockJS's 5 s default dropped sessions of a
        // busy browser between polls ("Server lost session", seen on xhr-polling under load).
        .setSessionTimeout(config.sockJsSessionTimeoutMs())
        .setRegisterWriteHandler(false)
        .setLibraryURL(SOCKJS_CLIENT_PATH);
    Router sockJsRouter = SockJSHandler.create(vertx, sockJs).socketHandler(bridge::accept);
    affinity = new SockJsAffinity(vertx, sockJsRouter);
    router.route("/eventbus/*").handler(affinity::handle);
    router.route("/eventbus/*").subRouter(sockJsRouter);
    return router;
  }

  private CorsHandler cors() {
    CorsHandler cors = CorsHandler.create()
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
        .allowedHeader("Content-Type")
        .allowCredentials(true);
    origins.listed().forEach(cors::addOrigin);
    return cors;
  }

  private void checkOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (sessions.stopping()) {
      ctx.response().setStatusCode(503).end();
    } else if (origins.allowed(origin)) {
      ctx.next();
    } else {
      Origins.refuse(ctx, origin);
    }
  }

  /**
   * SIGTERM: stop accepting, let in-flight sends finish (bounded) so their acks go out, then close every
   * socket with 4503 so clients reconnect to another node and resume; only then the server, which would
   * otherwise close them with a plain 1000.
   */
  @Override
  public Future<?> stop() {
    if (affinity != null) {
      affinity.release();
    }
    return sessions.drainAndClose()
        .eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> Future.join(hub.stop(), guard.stop(), blocks == null ? Future.succeededFuture() : blocks.stop(),
            healthCheck == null ? Future.succeededFuture() : HealthChecks.unregister(vertx, healthCheck)))
        .eventually(() -> {
          redis.close();
          return Future.succeededFuture();
        });
  }
}
