package dev.parley.http.notifications;

import dev.parley.common.bus.ServiceRequests;
import dev.parley.common.push.VapidKeys;
import dev.parley.contract.Addresses;
import dev.parley.contract.ParleyException;
import dev.parley.contract.PushActions;
import dev.parley.http.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Push subscriptions: the server's VAPID public key for {@code PushManager.subscribe}, and the caller's
 * subscriptions (Web Push or Matrix push gateway), stored by persistence; the notifier sends the pushes.
 */
public final class PushRoutes {

  private final ServiceRequests requests;
  private final SubscriptionRequests subscriptions;
  /** Null when no VAPID keys are configured: Web Push is off. */
  private final VapidKeys vapid;

  public PushRoutes(Vertx vertx, long requestTimeoutMs, boolean allowInsecureEndpoints, VapidKeys vapid) {
    this.requests = new ServiceRequests(vertx, requestTimeoutMs);
    this.subscriptions = new SubscriptionRequests(allowInsecureEndpoints);
    this.vapid = vapid;
  }

  /** Mounts the routes on the API router; they must come after the authentication handler. */
  public void mount(Router api) {
    api.get("/push/vapid").handler(ctx -> NotificationRoutes.reply(ctx, vapid == null
        ? Future.failedFuture(ParleyException.unavailable("Web Push is not configured on this server"))
        : Future.succeededFuture(new JsonObject().put("publicKey", vapid.publicKeyBase64Url()))));
    api.post("/push/subscriptions").handler(this::subscribe);
    api.get("/push/subscriptions").handler(ctx -> NotificationRoutes.reply(ctx,
        request(PushActions.LIST, NotificationRoutes.caller(ctx))));
    api.delete("/push/subscriptions/:id").handler(ctx -> NotificationRoutes.noContent(ctx,
        request(PushActions.UNSUBSCRIBE, NotificationRoutes.caller(ctx).put("id", ctx.pathParam("id")))));
  }

  private void subscribe(RoutingContext ctx) {
    JsonObject subscription = subscriptions.validate(Requests.jsonBody(ctx));
    if (vapid == null && "webpush".equals(subscription.getString("kind"))) {
      throw ParleyException.unavailable("Web Push is not configured on this server");
    }
    request(PushActions.SUBSCRIBE, NotificationRoutes.caller(ctx).put("subscription", subscription))
        .onSuccess(created -> ctx.response().setStatusCode(201).putHeader("content-type", "application/json")
            .end(new JsonObject().put("id", created.getString("id")).encode()))
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> request(String action, JsonObject body) {
    return requests.request(Addresses.PERSISTENCE_PUSH, action, body);
  }
}
