package dev.parley.socket;

import dev.parley.common.auth.AccessTokens.Claims;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws}: the origin and per-address checks, the upgrade inside the router (so SockJS keeps working
 * on the same server), the token (Bearer header, {@code ?token=}, or an auth frame), then a
 * {@link WebSocketSession} opened through {@link Sessions}: {@code ready}, and its frames read.
 */
final class WebSocketEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketEndpoint.class);

  private final Vertx vertx;
  private final SocketConfig config;
  private final Origins origins;
  private final AddressLimit addresses;
  private final SocketAuth auth;
  private final SessionHub hub;
  private final Sessions sessions;

  WebSocketEndpoint(Vertx vertx, SocketConfig config, Origins origins, AddressLimit addresses, SocketAuth auth,
      SessionHub hub, Sessions sessions) {
    this.vertx = vertx;
    this.config = config;
    this.origins = origins;
    this.addresses = addresses;
    this.auth = auth;
    this.hub = hub;
    this.sessions = sessions;
  }

  void upgrade(RoutingContext ctx) {
    if (sessions.stopping()) {
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
    Runnable release = addresses.take(ctx.request().remoteAddress(), ctx.request().getHeader("X-Forwarded-For"));
    if (release == null) {
      ctx.response().setStatusCode(429).putHeader("Retry-After", "10").putHeader("Content-Type", "application/json")
          .end(new ParleyException(ErrorCode.RATE_LIMITED, "too many sockets from this address "
              + "(socket.maxConnectionsPerAddress)").toErrorBody().encode());
      return;
    }
    if (config.flushDelayMs() >= 0) {
      // Flushes are merged per event-loop turn (or flushDelayMs): one system call for several frames.
      VertxInternals.channel(ctx.request()).pipeline().addFirst("parley-flush-coalescer",
          new FlushCoalescer(config.flushDelayMs(), Math.min(65_536, config.writeQueueMaxBytes() / 4)));
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
          sessions.opening.run(() -> socket.isClosed() ? Future.failedFuture(Sessions.CLOSED)
              : auth.authenticate(known.result()).compose(claims -> openWebSocket(socket, messages, claims)))
              .onFailure(failure -> refuse(socket, failure));
        }
      });
    });
  }

  /** No token on the upgrade: the first frame must be {@code {"type":"auth","token":...}} within the timeout. */
  private Future<String> authFrame(ServerWebSocket socket, TextMessages messages) {
    Promise<String> token = Promise.promise();
    long timer = vertx.setTimer(config.authTimeoutMs(), id -> token.tryFail(Sessions.unauthorized("no auth frame in time")));
    socket.closeHandler(closed -> token.tryFail(Sessions.CLOSED));
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
        token.tryFail(Sessions.unauthorized("the first frame must authenticate"));
      } else {
        token.tryComplete(found);
      }
    });
    socket.resume();
    return token.future();
  }

  /** Closes a socket that could not be opened, with the code {@link Sessions#closeCode} gives. */
  private void refuse(ServerWebSocket socket, Throwable failure) {
    if (!socket.isClosed()) {
      socket.close(Sessions.closeCode(failure), Sessions.reason(failure));
    }
  }

  /** Registers the session, then says {@code ready} and starts reading its frames. */
  private Future<Void> openWebSocket(ServerWebSocket socket, TextMessages messages, Claims valid) {
    WebSocketSession session = new WebSocketSession(valid, hub, socket);
    socket.setWriteQueueMaxSize(config.writeQueueMaxBytes());
    socket.pongHandler(pong -> session.heard());
    socket.closeHandler(closed -> sessions.closed(session));
    socket.exceptionHandler(failure -> LOG.debug("socket {} failed: {}", session.id, failure.toString()));
    messages.handler(session::onFrame);
    if (socket.isClosed()) {
      return Future.succeededFuture();
    }
    return sessions.open(session).transform(opened -> {
      if (opened.failed()) {
        if (!session.closed) {
          session.close(Sessions.closeCode(opened.cause()), "could not open the session");
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
}
