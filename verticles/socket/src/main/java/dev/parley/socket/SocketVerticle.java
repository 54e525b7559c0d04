package dev.parley.socket;

import dev.parley.common.Servers;
import dev.parley.common.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real-time sessions: the WebSocket endpoint {@code /ws} and the SockJS event-bus bridge {@code /eventbus}, on
 * the socket port. Raw WebSockets are upgraded inside the router so SockJS keeps working on the same server.
 */
public final class SocketVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SocketVerticle.class);

  @Override
  public Future<?> start() {
    Settings settings = Settings.of(config());
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> ctx.json(new io.vertx.core.json.JsonObject().put("status", "UP")));
    return Servers.listen(vertx.createHttpServer().requestHandler(router), settings, "socket")
        .onSuccess(server -> LOG.info("socket verticle started on port {}", server.actualPort()));
  }
}
