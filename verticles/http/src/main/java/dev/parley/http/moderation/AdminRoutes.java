package dev.parley.http.moderation;

import static dev.parley.http.moderation.ModerationRoutes.caller;
import static dev.parley.http.moderation.ModerationRoutes.noContent;
import static dev.parley.http.moderation.ModerationRoutes.reply;

import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ModerationActions;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import dev.parley.http.Requests;
import dev.parley.http.auth.AccountsApi;
import dev.parley.http.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The server administrators' endpoints under {@code /admin} (usernames in {@code admin.usernames}; anyone else
 * gets 403 on every one of them, before anything is read): users, deactivation and reactivation, reports, a
 * message tombstone in any room, the audit and counts. Every action is audited by persistence in its own
 * transaction.
 */
public final class AdminRoutes {

  private final ServiceRequests requests;
  private final AdminConfig config;
  private final AccountsApi accounts;

  public AdminRoutes(Vertx vertx, long requestTimeoutMs, AdminConfig config, AccountsApi accounts) {
    this.requests = new ServiceRequests(vertx, requestTimeoutMs);
    this.config = config;
    this.accounts = accounts;
  }

  /** Mounts the routes on the API router, after the authentication handler. */
  public void mount(Router api) {
    api.route("/admin/*").handler(this::requireAdmin);
    api.get("/admin/users").handler(ctx -> reply(ctx, 200, this.<JsonObject>moderation(ModerationActions.USERS,
        caller(ctx).put("q", ctx.request().getParam("q", "")).put("limit", limit(ctx))).map(this::markAdmins)));
    api.post("/admin/users/:userId/deactivate").handler(this::deactivate);
    api.post("/admin/users/:userId/reactivate").handler(ctx -> noContent(ctx, moderation(ModerationActions.REACTIVATE,
        caller(ctx).put("targetId", ctx.pathParam("userId")).put("reason", reason(ctx)))));
    api.get("/admin/reports").handler(ctx -> reply(ctx, 200, moderation(ModerationActions.REPORTS,
        caller(ctx).put("limit", limit(ctx)))));
    api.get("/admin/audit").handler(ctx -> reply(ctx, 200, moderation(ModerationActions.AUDIT,
        caller(ctx).put("limit", limit(ctx)))));
    api.get("/admin/stats").handler(ctx -> reply(ctx, 200, moderation(ModerationActions.STATS, caller(ctx))));
    api.delete("/admin/rooms/:roomId/messages/:seq").handler(ctx -> noContent(ctx, requests.request(
        Addresses.PERSISTENCE_MESSAGES, RoomActions.DELETE_MESSAGE, caller(ctx).put("roomId", ctx.pathParam("roomId"))
            .put("seq", seq(ctx)).put("serverAdmin", true).put("reason", ctx.request().getParam("reason")))));
  }

  private void requireAdmin(RoutingContext ctx) {
    if (!config.isAdmin(Principal.of(ctx).username())) {
      ctx.fail(new ParleyException(ErrorCode.FORBIDDEN, "only a server administrator can do this"));
      return;
    }
    ctx.next();
  }

  /**
   * Persistence deactivates and revokes every session in one transaction; then each revoked session is
   * announced (Redis, and the cluster-wide broadcast that closes its sockets with 4401 on every node).
   */
  private void deactivate(RoutingContext ctx) {
    this.<JsonObject>moderation(ModerationActions.DEACTIVATE, caller(ctx).put("targetId", ctx.pathParam("userId"))
            .put("reason", reason(ctx)))
        .compose(result -> {
          List<Future<Void>> announced = new ArrayList<>();
          result.getJsonArray("sessionIds").forEach(sessionId ->
              announced.add(accounts.announceRevoked((String) sessionId, result.getString("userId"))));
          return Future.all(announced);
        })
        .onSuccess(done -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private JsonObject markAdmins(JsonObject users) {
    users.getJsonArray("users").forEach(user -> {
      JsonObject entry = (JsonObject) user;
      entry.put("admin", config.isAdmin(entry.getString("username")));
    });
    return users;
  }

  private <T> Future<T> moderation(String action, JsonObject body) {
    return ModerationActions.READS.contains(action) ? requests.idempotent(Addresses.PERSISTENCE_MODERATION, action, body)
        : requests.request(Addresses.PERSISTENCE_MODERATION, action, body);
  }

  /** The optional reason of an action: {@code {"reason": "..."}} as the body, or none. */
  private static String reason(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() <= 0) {
      return null;
    }
    String reason = Requests.optionalString(Requests.jsonBody(ctx), "reason");
    if (reason != null && reason.codePointCount(0, reason.length()) > 500) {
      throw ParleyException.badRequest("reason", "reason must be at most 500 characters");
    }
    return reason;
  }

  private static Integer limit(RoutingContext ctx) {
    Long limit = Requests.queryLong(ctx, "limit");
    return limit == null ? null : (int) Math.max(1, Math.min(1000, limit));
  }

  private static long seq(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("seq"));
    } catch (NumberFormatException notANumber) {
      return -1;
    }
  }
}
