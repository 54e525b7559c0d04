package dev.parley.socket;

import dev.parley.common.HealthChecks;
import dev.parley.common.Meters;
import dev.parley.common.RedisSupport;
import dev.parley.common.Servers;
import dev.parley.common.Settings;
import dev.parley.common.auth.AccessTokens;
import dev.parley.common.auth.AccessTokens.Claims;
import dev.parley.common.auth.SessionGuard;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real-time sessions on the socket port: the WebSocket endpoint {@code /ws} (the contract's frames) and the
 * SockJS event-bus bridge {@code /eventbus} for browsers. Raw WebSockets are upgraded inside the router, so the
 * SockJS transports on the same server keep working.
 */
public final class SocketVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SocketVerticle.class);

  /** A socket closed before its session was opened (no stack: an everyday event). */
  private static final VertxException CLOSED = new VertxException("closed", true);
  /** Periodic per-connection work (pings, presence refresh) is spread over this many ticks of its period. */
  private static final int SLICES = 10;
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
  /** Session opens (token check, rooms, stream starts, presence) in progress at once; the rest queue. */
  private Gate opening;
  private AddressLimit addresses;
  private Origins origins;
  private Presence presence;
  private HttpServer server;
  private MessageConsumer<JsonObject> healthCheck;
  private final List<Long> timers = new ArrayList<>();
  private final PresenceVisibility visibility;
  private boolean stopping;

  public SocketVerticle() {
    this(PresenceVisibility.NO_BLOCKS);
  }

  /** With another presence rule (tests; blocks once the moderation issue brings them). */
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
    return vertx.executeBlocking(() -> Origins.from(settings, config.allowedOrigins())).compose(found -> {
      origins = found;
      return AccessTokens.load(vertx, settings);
    }).compose(tokens -> {
      auth = new SocketAuth(tokens, guard);
      opening = new Gate(config.maxConcurrentOpens(), config.maxWaitingOpens());
      addresses = new AddressLimit(vertx, config.maxConnectionsPerAddress(), config.addressLimitExempt());
      hub = new SessionHub(vertx, config, new SocketMetrics(Meters.registry()), presence, auth, visibility);
      return Future.all(guard.start(), hub.start(),
          HealthChecks.register(vertx, "redis", () -> RedisSupport.ping(api)).onSuccess(h -> healthCheck = h));
    }).compose(ready -> {
      // Each connection is pinged once per half heartbeat and its presence refreshed once per third of the TTL,
      // a slice of the connections per tick: all of them in one go stalled deliveries on this loop.
      long[] ticks = {0, 0};
      timers.add(vertx.setPeriodic(Math.max(1000, config.heartbeatMs() / 2) / SLICES,
          id -> heartbeat((int) (ticks[0]++ % SLICES))));
      timers.add(vertx.setPeriodic(config.presenceTtlSeconds() * 1000L / 3 / SLICES,
          id -> refreshPresence((int) (ticks[1]++ % SLICES))));
      HttpServerOptions options = new HttpServerOptions()
          // Frames up to 16x the limit are read and refused with a close frame 4413 (TextMessages); only larger
          // ones reach the codec's own limit, which drops the connection.
          .setMaxWebSocketFrameSize(config.maxFrameBytes() * CODEC_FRAME_FACTOR)
          .setMaxWebSocketMessageSize(config.maxFrameBytes() * CODEC_FRAME_FACTOR)
          .setPerMessageWebSocketCompressionSupported(false)
          .setPerFrameWebSocketCompressionSupported(false);
      return Servers.listen(vertx.createHttpServer(options).requestHandler(router()), settings, "socket");
    }).onSuccess(listening -> {
      server = listening;
      LOG.info("socket verticle started on port {}", listening.actualPort());
    });
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/ws").handler(this::upgrade);
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
        .setRegisterWriteHandler(false)
        .setLibraryURL(SOCKJS_CLIENT_PATH);
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, sockJs).socketHandler(this::bridge));
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
    if (stopping) {
      ctx.response().setStatusCode(503).end();
    } else if (origins.allowed(origin)) {
      ctx.next();
    } else {
      Origins.refuse(ctx, origin);
    }
  }

  // --- WebSocket ----------------------------------------------------------------------------------------

  private void upgrade(RoutingContext ctx) {
    if (stopping) {
      ctx.response().setStatusCode(503).end();
      return;
    }
    String origin = ctx.request().getHeader("Origin");
    if (!origins.allowed(origin)) {
      Origins.refuse(ctx, origin);
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim()
        : ctx.request().getParam("token");
    Runnable release = addresses.take(ctx.request().remoteAddress());
    if (release == null) {
      ctx.response().setStatusCode(429).putHeader("Retry-After", "10").putHeader("Content-Type", "application/json")
          .end(new ParleyException(ErrorCode.RATE_LIMITED, "too many sockets from this address "
              + "(socket.maxConnectionsPerAddress)").toErrorBody().encode());
      return;
    }
    ctx.request().toWebSocket().onFailure(failed -> release.run()).onSuccess(socket -> {
      // The place is freed however the socket ends (the session's close handlers are installed later).
      socket.endHandler(ended -> release.run());
      // Nothing is read before the session is open: a resume waits in the socket until then.
      socket.pause();
      TextMessages messages = new TextMessages(socket, config.maxFrameBytes());
      (token != null ? Future.succeededFuture(token) : authFrame(socket, messages)).onComplete(known -> {
        if (known.failed()) {
          refuse(socket, known.cause());
        } else {
          opening.run(() -> socket.isClosed() ? Future.failedFuture(CLOSED)
              : auth.authenticate(known.result()).compose(claims -> openWebSocket(socket, messages, claims)))
              .onFailure(failure -> refuse(socket, failure));
        }
      });
    });
  }

  /** No token on the upgrade: the first frame must be {@code {"type":"auth","token":...}} within the timeout. */
  private Future<String> authFrame(ServerWebSocket socket, TextMessages messages) {
    Promise<String> token = Promise.promise();
    long timer = vertx.setTimer(config.authTimeoutMs(), id -> token.tryFail(unauthorized("no auth frame in time")));
    socket.closeHandler(closed -> token.tryFail(CLOSED));
    messages.handler(text -> {
      if (token.future().isComplete()) {
        return;
      }
      String found = null;
      try {
        JsonObject frame = new JsonObject(text);
        found = "auth".equals(frame.getValue("type")) && frame.getValue("token") instanceof String t ? t : null;
      } catch (DecodeException | ClassCastException malformed) {
        // not an auth frame
      }
      vertx.cancelTimer(timer);
      socket.pause();
      if (found == null) {
        token.tryFail(unauthorized("the first frame must authenticate"));
      } else {
        token.tryComplete(found);
      }
    });
    socket.resume();
    return token.future();
  }

  /**
   * Closes a socket that could not be opened: 4401 for a bad token, 4429 over the connection cap, otherwise
   * (a dependency did not answer) 4503, so the client reconnects and resumes instead of dropping its token.
   */
  private void refuse(ServerWebSocket socket, Throwable failure) {
    if (!socket.isClosed()) {
      socket.close(closeCode(failure), reason(failure));
    }
  }

  private static String reason(Throwable failure) {
    return failure == CLOSED ? "closed"
        : closeCode(failure) == CloseCodes.UNAUTHORIZED ? "unauthorized" : "could not open the session";
  }

  private static short closeCode(Throwable failure) {
    if (failure instanceof ParleyException error) {
      return switch (error.code()) {
        case UNAUTHORIZED -> CloseCodes.UNAUTHORIZED;
        case RATE_LIMITED -> CloseCodes.RATE_LIMITED;
        default -> CloseCodes.GOING_AWAY;
      };
    }
    return CloseCodes.GOING_AWAY;
  }

  private static ParleyException unauthorized(String message) {
    return new ParleyException(ErrorCode.UNAUTHORIZED, message);
  }

  /** Registers the session, then says {@code ready} and starts reading its frames. */
  private Future<Void> openWebSocket(ServerWebSocket socket, TextMessages messages, Claims valid) {
    WebSocketSession session = new WebSocketSession(valid, hub, socket);
    socket.setWriteQueueMaxSize(config.writeQueueMaxBytes());
    socket.pongHandler(pong -> session.heard());
    socket.closeHandler(closed -> closed(session));
    socket.exceptionHandler(failure -> LOG.debug("socket {} failed: {}", session.id, failure.toString()));
    messages.handler(session::onFrame);
    if (socket.isClosed()) {
      return Future.succeededFuture();
    }
    return open(session).transform(opened -> {
      if (opened.failed()) {
        if (!session.closed) {
          session.close(closeCode(opened.cause()), "could not open the session");
        }
      } else if (!session.closed) {
        session.write(null, new JsonObject().put("type", "ready").put("userId", session.userId())
            .put("sessionId", session.id).put("heartbeatMs", config.heartbeatMs())
            .put("expiresAt", session.claims().expiresAt() * 1000).encode());
        socket.resume();
        vertx.setTimer(config.resumeGraceMs(), id -> session.release());
      }
      return Future.succeededFuture();
    });
  }

  // --- SockJS bridge ------------------------------------------------------------------------------------

  private void bridge(SockJSSocket socket) {
    Runnable release = addresses.take(socket.remoteAddress());
    if (release == null) {
      socket.close(CloseCodes.RATE_LIMITED, "too many sockets from this address");
      return;
    }
    socket.setWriteQueueMaxSize(config.writeQueueMaxBytes());
    String urlToken = queryParam(socket.uri(), "token");
    BridgeSession[] session = {null};
    boolean[] gone = {false};
    List<Buffer> early = new ArrayList<>();
    socket.handler(buffer -> {
      if (session[0] != null) {
        session[0].onFrame(buffer);
      } else if (early.size() >= config.maxEarlyFrames() || buffer.length() > config.maxFrameBytes()) {
        // Frames before the session opens wait in memory: a bounded few, each within the frame limit.
        socket.close(early.size() >= config.maxEarlyFrames() ? CloseCodes.POLICY : CloseCodes.TOO_LARGE,
            "too many or too large frames before the session opened");
      } else {
        early.add(buffer);
      }
    });
    socket.closeHandler(closed -> {
      release.run();
      gone[0] = true;
      if (session[0] != null) {
        closed(session[0]);
      }
    });
    Future<String> token = urlToken != null ? Future.succeededFuture(urlToken) : firstFrameToken(early);
    token.compose(known -> opening.run(() -> gone[0] ? Future.failedFuture(CLOSED)
        : auth.authenticate(known).compose(valid -> {
          BridgeSession opened = new BridgeSession(valid, hub, socket);
          return open(opened).transform(done -> {
            if (done.succeeded() && !gone[0]) {
              session[0] = opened;
              early.forEach(opened::onFrame);
              early.clear();
              return Future.succeededFuture();
            }
            // Gone while opening, or half opened: forget whatever was registered.
            closed(opened);
            return Future.failedFuture(done.succeeded() ? CLOSED : done.cause());
          });
        }))).onFailure(failure -> {
          if (!gone[0]) {
            socket.close(closeCode(failure), reason(failure));
          }
        });
  }

  /** Without ?token= the first frames must carry it in their headers; wait for the first one (bounded). */
  private Future<String> firstFrameToken(List<Buffer> early) {
    Promise<String> token = Promise.promise();
    long deadline = System.currentTimeMillis() + config.authTimeoutMs();
    vertx.setPeriodic(20, id -> {
      if (!early.isEmpty()) {
        vertx.cancelTimer(id);
        String found = headerToken(early.get(0));
        if (found == null) {
          token.tryFail(unauthorized("no token"));
        } else {
          token.tryComplete(found);
        }
      } else if (System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        token.tryFail(unauthorized("no token in time"));
      }
    });
    return token.future();
  }

  private static String headerToken(Buffer buffer) {
    try {
      return headerToken(buffer.toJsonObject());
    } catch (DecodeException | ClassCastException malformed) {
      return null;
    }
  }

  private static String headerToken(JsonObject frame) {
    return frame.getValue("headers") instanceof JsonObject headers && headers.getValue("token") instanceof String t
        ? t : null;
  }

  // --- sessions -----------------------------------------------------------------------------------------

  /**
   * Registers a session: a connection lease under the per-user cap (atomic in Redis across the cluster), the
   * rooms it follows, presence. With Redis away the cap falls back to this instance's own count.
   */
  private Future<Void> open(Session session) {
    String userId = session.userId();
    int cap = config.maxConnectionsPerUser();
    return presence.connected(userId, session.id, cap)
        .recover(redisAway -> Future.succeededFuture(hub.localConnections(userId) < cap ? 0 : -1))
        .compose(held -> {
          if (held < 0) {
            return Future.failedFuture(new ParleyException(ErrorCode.RATE_LIMITED, "too many connections"));
          }
          if (session.closed) {
            // Closed while the lease was taken: closed() may have run before it existed.
            presence.disconnected(userId, session.id, System.currentTimeMillis());
            return Future.failedFuture(CLOSED);
          }
          hub.add(session);
          session.watchExpiry();
          Future<List<String>> rooms = session.followsAllRooms()
              ? hub.userRooms(userId).compose(ids -> Future.all(ids.stream()
                  .map(roomId -> hub.follow(session, roomId)).toList()).compose(followed -> hub.startStreams(session, ids))
                  .map(ids))
              : Future.succeededFuture(null);
          return rooms.onSuccess(ids -> {
            if (held == 1) {
              announcePresence(userId, ids, "online", null);
            }
          }).mapEmpty();
        });
  }

  private void closed(Session session) {
    session.closed = true;
    List<String> roomIds = session.followsAllRooms() ? List.copyOf(session.roomIds()) : null;
    hub.remove(session);
    long at = System.currentTimeMillis();
    presence.disconnected(session.userId(), session.id, at).onSuccess(last -> {
      if (last) {
        announcePresence(session.userId(), roomIds, "offline", at);
      }
    });
  }

  /** {@code roomIds}: the user's rooms when the session followed all of them, else null (they are asked for). */
  private void announcePresence(String userId, List<String> roomIds, String status, Long lastSeen) {
    JsonObject body = new JsonObject().put("userId", userId).put("status", status);
    if (lastSeen != null) {
      body.put("lastSeen", lastSeen);
    }
    (roomIds != null ? Future.succeededFuture(roomIds) : hub.userRooms(userId)).onSuccess(rooms -> rooms.forEach(
        roomId -> vertx.eventBus().publish(dev.parley.contract.Addresses.room(roomId),
            dev.parley.contract.RoomEvent.by(userId, roomId, dev.parley.contract.RoomEvent.PRESENCE, body))));
  }

  /** The sessions whose turn it is at this tick of a periodic task (a session stays in its slice). */
  private List<Session> slice(int slice) {
    return hub.all().stream().filter(session -> Math.floorMod(session.id.hashCode(), SLICES) == slice).toList();
  }

  /** Pings WebSockets and closes the ones that stayed silent for two heartbeats (4408). */
  private void heartbeat(int slice) {
    long silentNanos = TimeUnit.MILLISECONDS.toNanos(config.heartbeatMs() * 2L);
    long now = System.nanoTime();
    for (Session session : slice(slice)) {
      if (now - session.lastHeardNanos > silentNanos) {
        session.close(CloseCodes.NO_HEARTBEAT, "no heartbeat");
      } else if (session instanceof WebSocketSession socket) {
        socket.ping();
      }
    }
  }

  private void refreshPresence(int slice) {
    List<String[]> connections = new ArrayList<>();
    slice(slice).forEach(session -> connections.add(new String[] {session.userId(), session.id}));
    if (!connections.isEmpty()) {
      presence.refresh(connections);
    }
  }

  /**
   * SIGTERM: stop accepting, let in-flight sends finish (bounded) so their acks go out, then close every
   * socket with 4503 so clients reconnect to another node and resume.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    timers.forEach(vertx::cancelTimer);
    hub.all().forEach(Session::pauseInput);
    Promise<Void> drained = Promise.promise();
    long deadline = System.currentTimeMillis() + config.drainTimeoutMs();
    vertx.setPeriodic(20, id -> {
      boolean idle = hub.all().stream().allMatch(session -> session.inFlightSends == 0);
      if (idle || System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        drained.complete();
      }
    });
    // New upgrades are refused (503) from now on; sockets close with 4503 once their sends are answered, and
    // only then the server, which would otherwise close them with a plain 1000.
    return drained.future().compose(done -> {
      List<Future<Boolean>> offline = new ArrayList<>();
      for (Session session : hub.all()) {
        session.close(CloseCodes.GOING_AWAY, "server going away");
        hub.remove(session);
        offline.add(presence.disconnected(session.userId(), session.id, System.currentTimeMillis()).otherwise(false));
      }
      return Future.join(offline);
    }).eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .eventually(() -> Future.join(hub.stop(), guard.stop(),
            healthCheck == null ? Future.succeededFuture() : HealthChecks.unregister(vertx, healthCheck)))
        .eventually(() -> {
          redis.close();
          return Future.succeededFuture();
        });
  }

  private static String queryParam(String uri, String name) {
    int query = uri == null ? -1 : uri.indexOf('?');
    if (query < 0) {
      return null;
    }
    for (String pair : uri.substring(query + 1).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
