package dev.parley.http.search;

import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.http.Requests;
import dev.parley.http.auth.Principal;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /search?q=&roomId=&limit=}: asks the search verticle, which validates the query, finds the
 * caller's rooms and answers {@code {hits: [...]}} (400 naming q/limit/roomId, 404 for a private room the
 * caller cannot see, 503 while the index is being rebuilt or no search node runs).
 */
public final class SearchRoutes {

  private final ServiceRequests requests;

  public SearchRoutes(Vertx vertx, long requestTimeoutMs) {
    this.requests = new ServiceRequests(vertx, requestTimeoutMs);
  }

  /** Mounts the route on the API router; it must come after the authentication handler. */
  public void mount(Router api) {
    api.get("/search").handler(this::search);
  }

  private void search(RoutingContext ctx) {
    String roomId = ctx.request().getParam("roomId");
    JsonObject request = new JsonObject()
        .put("userId", Principal.of(ctx).userId())
        .put("q", ctx.request().getParam("q"))
        .put("roomId", roomId == null || roomId.isEmpty() ? null : roomId)
        .put("limit", Requests.queryLong(ctx, "limit"));
    requests.<JsonObject>idempotent(Addresses.SEARCH, null, request)
        .onSuccess(hits -> ctx.response()
            .putHeader("content-type", "application/json")
            .end(hits.encode()))
        .onFailure(ctx::fail);
  }
}
