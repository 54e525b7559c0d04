package dev.parley.http;

import dev.parley.common.Servers;
import dev.parley.common.Settings;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The REST API ({@code /api/v1}) and the operations routes on the API port. Holds no data of its own. */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  @Override
  public Future<?> start() {
    Settings settings = Settings.of(config());
    Router router = Router.router(vertx);
    OperationsRoutes.mount(router, vertx);

    Router api = Router.router(vertx);
    api.route().handler(BodyHandler.create(false).setBodyLimit(settings.integer("http.maxBodyBytes", 65536)));
    router.route("/api/v1/*").subRouter(api);

    router.route().last().handler(ctx ->
        ErrorResponses.send(ctx, new ParleyException(ErrorCode.NOT_FOUND, "no such endpoint")));
    router.route().failureHandler(ErrorResponses::handle);

    return Servers.listen(vertx.createHttpServer().requestHandler(router), settings, "http")
        .onSuccess(server -> LOG.info("http verticle started on port {}", server.actualPort()));
  }
}
