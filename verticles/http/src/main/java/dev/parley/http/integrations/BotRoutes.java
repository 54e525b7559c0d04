package dev.parley.http.integrations;

import dev.parley.common.auth.BotTokens;
import dev.parley.common.auth.SessionGuard;
import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.IntegrationActions;
import dev.parley.http.Requests;
import dev.parley.http.auth.AuthRequests;
import dev.parley.http.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code POST /bots}, {@code GET /bots}, {@code DELETE /bots/{id}}: bot accounts of the caller with their
 * long-lived API token. The token is answered once, at creation; only its SHA-256 is stored. Deleting a bot
 * revokes its sessions on every node, which closes its sockets (4401).
 */
public final class BotRoutes {

  private final ServiceRequests requests;
  /** The accounts' guard, which exists only once they started. */
  private final Supplier<SessionGuard> guard;

  public BotRoutes(ServiceRequests requests, Supplier<SessionGuard> guard) {
    this.requests = requests;
    this.guard = guard;
  }

  /** Mounts the routes; they must come after the authentication handler. */
  public void mount(Router api) {
    api.post("/bots").handler(this::create);
    api.get("/bots").handler(ctx -> Replies.json(ctx, 200, requests.request(Addresses.PERSISTENCE_INTEGRATIONS,
        IntegrationActions.LIST_BOTS, new JsonObject().put("userId", Principal.of(ctx).userId()))));
    api.delete("/bots/:botId").handler(this::delete);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Requests.jsonBody(ctx);
    String username = AuthRequests.username(body);
    String token = BotTokens.generate();
    JsonObject request = new JsonObject()
        .put("userId", Principal.of(ctx).userId())
        .put("username", username)
        .put("displayName", AuthRequests.displayName(body, username))
        .put("kind", "api")
        .put("tokenHash", BotTokens.hash(token))
        .put("sessionId", UUID.randomUUID().toString());
    Replies.json(ctx, 201, requests.<JsonObject>request(Addresses.PERSISTENCE_INTEGRATIONS, IntegrationActions.CREATE_BOT,
        request).map(created -> created.put("token", token)));
  }

  private void delete(RoutingContext ctx) {
    JsonObject request = new JsonObject().put("userId", Principal.of(ctx).userId()).put("botId", ctx.pathParam("botId"));
    Replies.noContent(ctx, requests.<JsonObject>request(Addresses.PERSISTENCE_INTEGRATIONS,
            IntegrationActions.DELETE_BOT, request)
        .compose(deleted -> {
          String botId = deleted.getString("botId");
          List<Future<Void>> announced = deleted.getJsonArray("sessionIds").stream()
              .map(sessionId -> guard.get().announceRevoked((String) sessionId, botId)).toList();
          return Future.all(announced);
        }));
  }
}
