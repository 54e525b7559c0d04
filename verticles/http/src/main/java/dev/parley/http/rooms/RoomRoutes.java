package dev.parley.http.rooms;

import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.RoomActions;
import dev.parley.contract.SendMessage;
import dev.parley.contract.SendRequest;
import dev.parley.http.Requests;
import dev.parley.http.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The Rooms and Messages part of the REST contract. Each route turns the request into an event-bus request to
 * the rooms verticle (management and membership) or persistence (messages), with the caller taken from the
 * authenticated session, and renders the answer.
 */
public final class RoomRoutes {

  private final ServiceRequests requests;

  public RoomRoutes(Vertx vertx, long requestTimeoutMs) {
    this.requests = new ServiceRequests(vertx, requestTimeoutMs);
  }

  /** Mounts the routes on the API router; they must come after the authentication handler. */
  public void mount(Router api) {
    api.post("/rooms").handler(this::create);
    api.post("/rooms/direct").handler(this::direct);
    api.get("/rooms").handler(ctx -> reply(ctx, 200, rooms(ctx, RoomActions.LIST_MINE, caller(ctx))));
    api.get("/rooms/public").handler(ctx -> reply(ctx, 200, rooms(ctx, RoomActions.LIST_PUBLIC,
        caller(ctx).put("q", ctx.request().getParam("q", "")))));
    api.get("/rooms/:roomId").handler(ctx -> reply(ctx, 200, rooms(ctx, RoomActions.GET, inRoom(ctx))));
    api.patch("/rooms/:roomId").handler(ctx -> {
      JsonObject body = Requests.jsonBody(ctx);
      reply(ctx, 200, rooms(ctx, RoomActions.UPDATE, inRoom(ctx)
          .put("name", body.getValue("name")).put("visibility", body.getValue("visibility"))
          .put("slowModeSeconds", body.getValue("slowModeSeconds"))));
    });
    api.delete("/rooms/:roomId").handler(ctx -> noContent(ctx, rooms(ctx, RoomActions.DELETE, inRoom(ctx))));
    api.post("/rooms/:roomId/join").handler(ctx -> reply(ctx, 200, rooms(ctx, RoomActions.JOIN, inRoom(ctx))));
    api.post("/rooms/:roomId/leave").handler(ctx -> noContent(ctx, rooms(ctx, RoomActions.LEAVE, inRoom(ctx))));
    api.get("/rooms/:roomId/members").handler(ctx -> reply(ctx, 200, rooms(ctx, RoomActions.MEMBERS, inRoom(ctx))));
    api.post("/rooms/:roomId/members").handler(ctx -> {
      JsonObject body = Requests.jsonBody(ctx);
      reply(ctx, 201, rooms(ctx, RoomActions.ADD_MEMBER, inRoom(ctx)
          .put("memberId", Requests.requiredString(body, "userId")).put("role", body.getValue("role"))));
    });
    api.delete("/rooms/:roomId/members/:userId").handler(ctx -> noContent(ctx, rooms(ctx, RoomActions.REMOVE_MEMBER,
        inRoom(ctx).put("memberId", ctx.pathParam("userId")))));
    api.patch("/rooms/:roomId/members/:userId").handler(ctx -> {
      JsonObject body = Requests.jsonBody(ctx);
      reply(ctx, 200, rooms(ctx, RoomActions.SET_ROLE, inRoom(ctx)
          .put("memberId", ctx.pathParam("userId")).put("role", body.getValue("role"))));
    });

    api.post("/rooms/:roomId/messages").handler(this::send);
    api.get("/rooms/:roomId/messages").handler(ctx -> reply(ctx, 200, messages(RoomActions.HISTORY, inRoom(ctx)
        .put("before", Requests.queryLong(ctx, "before"))
        .put("after", Requests.queryLong(ctx, "after"))
        .put("limit", limit(ctx)))));
    api.patch("/rooms/:roomId/messages/:seq").handler(ctx -> {
      JsonObject body = Requests.jsonBody(ctx);
      reply(ctx, 200, messages(RoomActions.EDIT, inMessage(ctx).put("text", Requests.requiredString(body, "text"))));
    });
    api.delete("/rooms/:roomId/messages/:seq").handler(ctx ->
        noContent(ctx, messages(RoomActions.DELETE_MESSAGE, inMessage(ctx))));
    api.post("/rooms/:roomId/read").handler(ctx -> {
      Long seq = Requests.optionalLong(Requests.jsonBody(ctx), "seq");
      if (seq == null) {
        throw dev.parley.contract.ParleyException.badRequest("seq", "seq is required");
      }
      // Unlike the v1 WebSocket read frame, a REST read is announced only for users who share read receipts.
      noContent(ctx, messages(RoomActions.READ, inRoom(ctx).put("seq", seq).put("announce", "ifShared")));
    });
    mountReactionsThreadsPins(api);
  }

  /** Issue 13: reactions, threads, pins and read receipts (CONTRACT.md v1.1). */
  private void mountReactionsThreadsPins(Router api) {
    api.put("/rooms/:roomId/messages/:seq/reactions/:emoji").handler(ctx -> noContent(ctx,
        messages(RoomActions.REACT, inMessage(ctx).put("emoji", ctx.pathParam("emoji")))));
    api.delete("/rooms/:roomId/messages/:seq/reactions/:emoji").handler(ctx -> noContent(ctx,
        messages(RoomActions.UNREACT, inMessage(ctx).put("emoji", ctx.pathParam("emoji")))));
    api.get("/rooms/:roomId/messages/:seq/thread").handler(ctx -> reply(ctx, 200, messages(RoomActions.THREAD,
        inMessage(ctx).put("after", Requests.queryLong(ctx, "after")).put("limit", limit(ctx)))));
    api.get("/rooms/:roomId/messages/:seq/readers").handler(ctx -> reply(ctx, 200, messages(RoomActions.READERS,
        inMessage(ctx).put("after", Requests.queryLong(ctx, "after")).put("limit", limit(ctx)))));
    api.put("/rooms/:roomId/pins/:seq").handler(ctx -> noContent(ctx, messages(RoomActions.PIN, inMessage(ctx))));
    api.delete("/rooms/:roomId/pins/:seq").handler(ctx -> noContent(ctx, messages(RoomActions.UNPIN, inMessage(ctx))));
    api.get("/rooms/:roomId/pins").handler(ctx -> reply(ctx, 200, messages(RoomActions.PINS, inRoom(ctx))));
    // The caller's own settings (an extension): whether they show up in others' read receipts.
    api.get("/users/me/settings").handler(ctx -> reply(ctx, 200, messages(RoomActions.SETTINGS, caller(ctx))));
    api.patch("/users/me/settings").handler(ctx -> reply(ctx, 200, messages(RoomActions.UPDATE_SETTINGS,
        caller(ctx).put("shareReadReceipts", Requests.jsonBody(ctx).getValue("shareReadReceipts")))));
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Requests.jsonBody(ctx);
    reply(ctx, 201, rooms(ctx, RoomActions.CREATE, caller(ctx)
        .put("name", body.getValue("name"))
        .put("visibility", body.getValue("visibility"))
        .put("members", body.getValue("members"))));
  }

  private void direct(RoutingContext ctx) {
    JsonObject body = Requests.jsonBody(ctx);
    JsonObject request = caller(ctx).put("otherId", Requests.requiredString(body, "userId"));
    this.<JsonObject>rooms(ctx, RoomActions.DIRECT, request).onSuccess(result -> ctx.response()
            .setStatusCode(result.getBoolean("created") ? 201 : 200)
            .putHeader("content-type", "application/json")
            .end(result.getJsonObject("room").encode()))
        .onFailure(ctx::fail);
  }

  private void send(RoutingContext ctx) {
    // The one validation of every front end (WebSocket, bridge, REST).
    Principal principal = Principal.of(ctx);
    SendMessage send = SendRequest.fromRest(ctx.pathParam("roomId"), Requests.jsonBody(ctx))
        .message(principal.userId(), principal.bot());
    // Idempotent: a repeat with the same clientMsgId answers the stored message.
    requests.<ChatMessage>exchange(Addresses.PERSISTENCE_SEND, null, send, true)
        .onSuccess(reply -> ctx.response()
            // A retry of a stored message answers 200 with the original, not a second copy.
            .setStatusCode("true".equals(reply.headers().get("created")) ? 201 : 200)
            .putHeader("content-type", "application/json")
            .end(reply.body().toJson().encode()))
        .onFailure(ctx::fail);
  }

  private <T> Future<T> rooms(RoutingContext ctx, String action, JsonObject body) {
    return request(Addresses.ROOMS, action, body);
  }

  private <T> Future<T> messages(String action, JsonObject body) {
    return request(Addresses.PERSISTENCE_MESSAGES, action, body);
  }

  private <T> Future<T> request(String address, String action, JsonObject body) {
    return RoomActions.READS.contains(action) ? requests.idempotent(address, action, body) : requests.request(address, action, body);
  }

  private static JsonObject caller(RoutingContext ctx) {
    return new JsonObject().put("userId", Principal.of(ctx).userId());
  }

  private static JsonObject inRoom(RoutingContext ctx) {
    return caller(ctx).put("roomId", ctx.pathParam("roomId"));
  }

  private static JsonObject inMessage(RoutingContext ctx) {
    String seq = ctx.pathParam("seq");
    long parsed;
    try {
      parsed = Long.parseLong(seq);
    } catch (NumberFormatException notANumber) {
      parsed = -1;
    }
    return inRoom(ctx).put("seq", parsed);
  }

  private static Integer limit(RoutingContext ctx) {
    Long limit = Requests.queryLong(ctx, "limit");
    return limit == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, limit));
  }

  private static <T> void reply(RoutingContext ctx, int status, Future<T> result) {
    result.onSuccess(body -> ctx.response()
            .setStatusCode(status)
            .putHeader("content-type", "application/json")
            .end(body == null ? "{}" : ((JsonObject) body).encode()))
        .onFailure(ctx::fail);
  }

  private static void noContent(RoutingContext ctx, Future<?> result) {
    result.onSuccess(done -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }
}
