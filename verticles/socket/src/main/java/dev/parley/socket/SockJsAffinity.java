package dev.parley.socket;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * Serves every request of SockJS's HTTP transports (polling and streaming) on one event loop of the node.
 *
 * <p>Such a session spans many HTTP requests, and with several socket verticle instances each request is served by
 * whichever instance accepted its connection. vertx-web shares the session between them, but its
 * {@code SockJSSession} is not safe for that (vert-x3/vertx-web#501): it sends the open frame before it records that
 * it did, so a next poll served meanwhile on the other event loop sent a second one, which sockjs-client answers with
 * "1006 Server lost session" (seen in the browser test on xhr-polling and iframe-xhr-polling).
 *
 * <p>So the first instance to ask owns those transports, and the others hand such a request to its SockJS router on
 * its context (after the origin check, CORS and the body handler ran where the request came in). WebSocket
 * transports (one connection each) and the stateless {@code /info} and iframe page stay where they arrived. When the
 * owner stops, the next request elects another.
 */
final class SockJsAffinity {

  /** The transports whose session outlives one request: the last path segment after {@code /server/session/}. */
  private static final Pattern SESSION_TRANSPORT =
      Pattern.compile("/[^/.]+/[^/.]+/(xhr|xhr_send|xhr_streaming|eventsource|htmlfile|jsonp|jsonp_send)$");
  private static final String OWNER = "owner";

  /** One instance's SockJS router and the context it runs on. */
  private record Owner(Context context, Router router) implements Shareable {
  }

  private final LocalMap<String, Owner> owners;
  private final Owner self;

  /** {@code sockJs}: this instance's SockJS router; call on the instance's own context. */
  SockJsAffinity(Vertx vertx, Router sockJs) {
    owners = vertx.sharedData().getLocalMap("parley.socket.sockjs-owner");
    self = new Owner(vertx.getOrCreateContext(), sockJs);
  }

  /** The handler of the route the SockJS router is mounted on ({@code /eventbus/*}), just before it. */
  void handle(RoutingContext ctx) {
    Owner taken = owners.putIfAbsent(OWNER, self);
    Owner owner = taken == null ? self : taken;
    if (owner == self || !SESSION_TRANSPORT.matcher(ctx.normalizedPath()).find()) {
      ctx.next();
    } else {
      // The owner's router mounts itself at this route's path, as Route.subRouter would.
      owner.context().runOnContext(v -> owner.router().handleContext(ctx));
    }
  }

  /** This instance stops: it no longer owns the transports (the sessions it held end with it). */
  void release() {
    owners.remove(OWNER, self);
  }
}
