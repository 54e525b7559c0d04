package dev.parley.socket;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /eventbus}: a SockJS socket (any transport) becomes a {@link BridgeSession} once its token (on the URL
 * or in the first frame's headers) is checked; frames that come meanwhile wait, a bounded few.
 */
final class BridgeEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeEndpoint.class);

  private final Vertx vertx;
  private final SocketConfig config;
  private final AddressLimit addresses;
  private final SocketAuth auth;
  private final SessionHub hub;
  private final Sessions sessions;

  BridgeEndpoint(Vertx vertx, SocketConfig config, AddressLimit addresses, SocketAuth auth, SessionHub hub,
      Sessions sessions) {
    this.vertx = vertx;
    this.config = config;
    this.addresses = addresses;
    this.auth = auth;
    this.hub = hub;
    this.sessions = sessions;
  }

  void accept(SockJSSocket socket) {
    Runnable release = addresses.take(socket.remoteAddress(), socket.headers().get("X-Forwarded-For"));
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
    // A connection that drops is an ordinary end (the close handler below), not an error to log as one.
    socket.exceptionHandler(failure -> LOG.debug("bridge socket failed: {}", failure.toString()));
    socket.closeHandler(closed -> {
      release.run();
      gone[0] = true;
      if (session[0] != null) {
        sessions.closed(session[0]);
      }
    });
    Future<String> token = urlToken != null ? Future.succeededFuture(urlToken) : firstFrameToken(early);
    token.compose(known -> sessions.opening.run(() -> gone[0] ? Future.failedFuture(Sessions.CLOSED)
        : auth.authenticate(known).compose(valid -> {
          BridgeSession opened = new BridgeSession(valid, hub, socket);
          return sessions.open(opened).transform(done -> {
            if (done.succeeded() && !gone[0]) {
              session[0] = opened;
              early.forEach(opened::onFrame);
              early.clear();
              return Future.succeededFuture();
            }
            // Gone while opening, or half opened: forget whatever was registered.
            sessions.closed(opened);
            return Future.failedFuture(done.succeeded() ? Sessions.CLOSED : done.cause());
          });
        }))).onFailure(failure -> {
          if (!gone[0]) {
            socket.close(Sessions.closeCode(failure), Sessions.reason(failure));
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
          token.tryFail(Sessions.unauthorized("no token"));
        } else {
          token.tryComplete(found);
        }
      } else if (System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        token.tryFail(Sessions.unauthorized("no token in time"));
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
