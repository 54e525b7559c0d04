package dev.parley.http.notifications;

import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.NotificationActions;
import dev.parley.contract.NotificationPreferences;
import dev.parley.contract.ParleyException;
import dev.parley.http.Requests;
import dev.parley.http.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Notifications and their preferences: the stored notifications of the caller (newest first, with read flags),
 * marking them read, the caller's preferences and per-room levels (a mute is level none). Stored by persistence; the notifier verticle creates them from the message
 * stream and delivers them live.
 */
public final class NotificationRoutes {

  private final ServiceRequests requests;

  public NotificationRoutes(Vertx vertx, long requestTimeoutMs) {
    this.requests = new ServiceRequests(vertx, requestTimeoutMs);
  }

  /** Mounts the routes on the API router; they must come after the authentication handler. */
  public void mount(Router api) {
    api.get("/notifications").handler(this::list);
    api.post("/notifications/read").handler(this::markRead);
    api.get("/notifications/mutes").handler(ctx -> reply(ctx, request(NotificationActions.MUTES, caller(ctx))));
    api.post("/rooms/:roomId/mute").handler(ctx -> noContent(ctx, request(NotificationActions.MUTE, inRoom(ctx))));
    api.post("/rooms/:roomId/unmute").handler(ctx -> noContent(ctx, request(NotificationActions.UNMUTE, inRoom(ctx))));
    api.get("/notifications/preferences").handler(ctx -> reply(ctx, request(NotificationActions.PREFERENCES,
        caller(ctx))));
    api.put("/notifications/preferences").handler(ctx -> reply(ctx, request(NotificationActions.SET_PREFERENCES,
        caller(ctx).put("preferences", NotificationPreferences.fromJson(Requests.jsonBody(ctx)).toJson()))));
    api.get("/notifications/rooms").handler(ctx -> reply(ctx, request(NotificationActions.ROOM_LEVELS, caller(ctx))));
    api.put("/rooms/:roomId/notifications").handler(ctx -> reply(ctx, request(NotificationActions.SET_ROOM_LEVEL,
        inRoom(ctx).put("level", Requests.jsonBody(ctx).getValue("level")))));
  }

  private void list(RoutingContext ctx) {
    String unread = ctx.request().getParam("unread");
    if (unread != null && !unread.equals("true") && !unread.equals("false")) {
      throw ParleyException.badRequest("unread", "unread must be true or false");
    }
    Long limit = Requests.queryLong(ctx, "limit");
    JsonObject request = caller(ctx)
        .put("before", Requests.queryLong(ctx, "before"))
        .put("limit", limit == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, limit)))
        .put("unreadOnly", "true".equals(unread));
    reply(ctx, request(NotificationActions.LIST, request));
  }

  private void markRead(RoutingContext ctx) {
    JsonObject body = Requests.jsonBody(ctx);
    JsonObject request = caller(ctx).put("ids", body.getValue("ids")).put("upTo", body.getValue("upTo"));
    reply(ctx, request(NotificationActions.MARK_READ, request));
  }

  /** Every notification operation reads or sets a state, so it may be repeated. */
  private Future<JsonObject> request(String action, JsonObject body) {
    return requests.idempotent(Addresses.PERSISTENCE_NOTIFICATIONS, action, body);
  }

  static JsonObject caller(RoutingContext ctx) {
    return new JsonObject().put("userId", Principal.of(ctx).userId());
  }

  private static JsonObject inRoom(RoutingContext ctx) {
    return caller(ctx).put("roomId", ctx.pathParam("roomId"));
  }

  static void reply(RoutingContext ctx, Future<JsonObject> result) {
    result.onSuccess(body -> ctx.response().putHeader("content-type", "application/json").end(body.encode()))
        .onFailure(ctx::fail);
  }

  static void noContent(RoutingContext ctx, Future<?> result) {
    result.onSuccess(done -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }
}
