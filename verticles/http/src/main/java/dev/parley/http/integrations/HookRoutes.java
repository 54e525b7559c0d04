package dev.parley.http.integrations;

import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.IntegrationActions;
import dev.parley.contract.ParleyException;
import dev.parley.http.Requests;
import dev.parley.http.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Outgoing webhooks of a room (owner/admin): {@code POST /rooms/{id}/hooks {url, events, secret}},
 * {@code GET /rooms/{id}/hooks}, {@code DELETE /rooms/{id}/hooks/{hookId}}. Only the form of the URL is checked
 * here; where it points (loopback, private ranges) is checked by the hooks verticle on every delivery, against
 * the addresses the name resolves to then. Every change is announced on {@link Addresses#HOOKS_CHANGED}.
 */
public final class HookRoutes {

  /** What a hook may subscribe to (CONTRACT.md "Outgoing webhooks"). */
  static final Set<String> EVENTS = Set.of("message", "message.updated", "message.deleted", "reaction");
  private static final int MAX_URL_CHARS = 2048;
  private static final int MAX_SECRET_CHARS = 255;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** How long a create or delete waits for the deliverer's reload before it answers anyway. */
  private static final long RELOAD_WAIT_MS = 2_000;

  private final Vertx vertx;
  private final ServiceRequests requests;

  public HookRoutes(Vertx vertx, ServiceRequests requests) {
    this.vertx = vertx;
    this.requests = requests;
  }

  public void mount(Router api) {
    api.post("/rooms/:roomId/hooks").handler(this::create);
    api.get("/rooms/:roomId/hooks").handler(ctx -> Replies.json(ctx, 200, requests.request(
        Addresses.PERSISTENCE_INTEGRATIONS, IntegrationActions.LIST_HOOKS, inRoom(ctx))));
    api.delete("/rooms/:roomId/hooks/:hookId").handler(ctx -> {
      String hookId = ctx.pathParam("hookId");
      Replies.noContent(ctx, requests.request(Addresses.PERSISTENCE_INTEGRATIONS, IntegrationActions.DELETE_HOOK,
          inRoom(ctx).put("hookId", hookId)).compose(deleted -> changed(hookId, ctx.pathParam("roomId")).map(deleted)));
    });
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Requests.jsonBody(ctx);
    String url = url(Requests.requiredString(body, "url"));
    JsonArray events = events(body.getValue("events"));
    String secret = Requests.requiredString(body, "secret");
    if (secret.isEmpty() || secret.length() > MAX_SECRET_CHARS) {
      throw ParleyException.badRequest("secret", "secret must be 1-" + MAX_SECRET_CHARS + " characters");
    }
    String roomId = ctx.pathParam("roomId");
    byte[] random = new byte[9];
    RANDOM.nextBytes(random);
    String hookId = roomId + "-" + HexFormat.of().formatHex(random);
    Replies.json(ctx, 201, requests.<JsonObject>request(Addresses.PERSISTENCE_INTEGRATIONS,
            IntegrationActions.CREATE_HOOK, inRoom(ctx).put("id", hookId).put("url", url).put("events", events)
                .put("secret", secret))
        .compose(created -> changed(hookId, roomId).map(created)));
  }

  /** An absolute http(s) URL with a host and no user info. */
  static String url(String text) {
    if (text.length() > MAX_URL_CHARS) {
      throw ParleyException.badRequest("url", "url is longer than " + MAX_URL_CHARS + " characters");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException malformed) {
      throw ParleyException.badRequest("url", "url is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw ParleyException.badRequest("url", "url must be an absolute http or https URL with a host");
    }
    return text;
  }

  static JsonArray events(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty()
        || !array.stream().allMatch(name -> name instanceof String text && EVENTS.contains(text))) {
      throw ParleyException.badRequest("events", "events must be a non-empty array of " + EVENTS);
    }
    return new JsonArray(new LinkedHashSet<>(array.getList()).stream().toList());
  }

  /**
   * Announces the change, and completes once the delivering hooks instance has it in place (at most
   * {@link #RELOAD_WAIT_MS}): events committed after the client's answer are then matched against it. With no
   * deliverer running, the next one reads every hook when it starts.
   */
  private Future<Void> changed(String hookId, String roomId) {
    JsonObject change = new JsonObject().put("hookId", hookId).put("roomId", roomId);
    vertx.eventBus().publish(Addresses.HOOKS_CHANGED, change);
    return vertx.eventBus().request(Addresses.HOOKS_RELOAD, change, new DeliveryOptions().setSendTimeout(RELOAD_WAIT_MS))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  private static JsonObject inRoom(RoutingContext ctx) {
    return new JsonObject().put("userId", Principal.of(ctx).userId()).put("roomId", ctx.pathParam("roomId"));
  }
}
