package dev.parley.http;

import dev.parley.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code /health}, {@code /ready} and {@code /metrics} on the API port. Readiness and metrics are the node's,
 * asked of the management verticle over the local event bus, so both ports always say the same.
 */
final class OperationsRoutes {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setSendTimeout(5000);

  private OperationsRoutes() {
  }

  static void mount(Router router, Vertx vertx) {
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/ready").handler(ctx -> vertx.eventBus().<JsonObject>request(Addresses.NODE_READY, null, LOCAL)
        .onSuccess(reply -> ctx.response()
            .setStatusCode(reply.body().getBoolean("ready") ? 200 : 503)
            .putHeader("content-type", "application/json")
            .end(reply.body().encode()))
        .onFailure(ctx::fail));
    router.get("/metrics").handler(ctx -> vertx.eventBus().<String>request(Addresses.NODE_METRICS, null, LOCAL)
        .onSuccess(reply -> ctx.response()
            .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
            .end(reply.body()))
        .onFailure(ctx::fail));
  }
}
