package dev.parley.http.moderation;

import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.ModerationActions;
import dev.parley.contract.RoomActions;
import dev.parley.http.Requests;
import dev.parley.http.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The members' side of "Moderation and administration": room bans (owner/admins), blocks and reports. Role
 * checks are made by persistence inside the transaction that writes; these routes only shape the requests.
 */
public final class ModerationRoutes {

  private final ServiceRequests requests;

  public ModerationRoutes(Vertx vertx, long requestTimeoutMs) {
    this.requests = new ServiceRequests(vertx, requestTimeoutMs);
  }

  /** Mounts the routes on the API router, after the authentication handler. */
  public void mount(Router api) {
    api.post("/rooms/:roomId/bans").handler(ctx -> {
      JsonObject body = Requests.jsonBody(ctx);
      reply(ctx, 201, rooms(RoomActions.BAN, inRoom(ctx).put("memberId", Requests.requiredString(body, "userId"))
          .put("reason", body.getValue("reason"))));
    });
    api.get("/rooms/:roomId/bans").handler(ctx -> reply(ctx, 200, rooms(RoomActions.BANS, inRoom(ctx))));
    api.delete("/rooms/:roomId/bans/:userId").handler(ctx -> noContent(ctx, rooms(RoomActions.UNBAN,
        inRoom(ctx).put("memberId", ctx.pathParam("userId")))));

    api.get("/users/me/blocks").handler(ctx -> reply(ctx, 200, moderation(ModerationActions.BLOCKS, caller(ctx))));
    api.put("/users/me/blocks/:userId").handler(ctx -> noContent(ctx, moderation(ModerationActions.BLOCK,
        caller(ctx).put("blockedId", ctx.pathParam("userId")))));
    api.delete("/users/me/blocks/:userId").handler(ctx -> noContent(ctx, moderation(ModerationActions.UNBLOCK,
        caller(ctx).put("blockedId", ctx.pathParam("userId")))));

    api.post("/reports").handler(ctx -> {
      JsonObject body = Requests.jsonBody(ctx);
      Long seq = Requests.optionalLong(body, "seq");
      if (seq == null) {
        throw dev.parley.contract.ParleyException.badRequest("seq", "seq is required");
      }
      reply(ctx, 201, moderation(ModerationActions.REPORT, caller(ctx)
          .put("roomId", Requests.requiredString(body, "roomId")).put("seq", seq).put("reason", body.getValue("reason"))));
    });
  }

  private <T> Future<T> rooms(String action, JsonObject body) {
    return RoomActions.READS.contains(action) ? requests.idempotent(Addresses.ROOMS, action, body)
        : requests.request(Addresses.ROOMS, action, body);
  }

  private <T> Future<T> moderation(String action, JsonObject body) {
    return ModerationActions.READS.contains(action) ? requests.idempotent(Addresses.PERSISTENCE_MODERATION, action, body)
        : requests.request(Addresses.PERSISTENCE_MODERATION, action, body);
  }

  static JsonObject caller(RoutingContext ctx) {
    return new JsonObject().put("userId", Principal.of(ctx).userId());
  }

  private static JsonObject inRoom(RoutingContext ctx) {
    return caller(ctx).put("roomId", ctx.pathParam("roomId"));
  }

  static void reply(RoutingContext ctx, int status, Future<?> result) {
    result.onSuccess(body -> ctx.response()
            .setStatusCode(status)
            .putHeader("content-type", "application/json")
            .end(body == null ? "{}" : ((JsonObject) body).encode()))
        .onFailure(ctx::fail);
  }

  static void noContent(RoutingContext ctx, Future<?> result) {
    result.onSuccess(done -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }
}
