package dev.parley.http.integrations;

import dev.parley.common.PublicUrl;
import dev.parley.common.Settings;
import dev.parley.common.auth.BotTokens;
import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.IntegrationActions;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import dev.parley.contract.RoomStanding;
import dev.parley.contract.SendMessage;
import dev.parley.http.Requests;
import dev.parley.http.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Incoming webhooks. {@code POST /rooms/{id}/webhooks} (owner/admin) creates a bot for the hook, adds it to the
 * room as a member (through the rooms verticle, with its role checks, cache and events) and stores the hook with
 * the SHA-256 of a random secret; the answer holds the secret URL {@code /api/v1/webhooks/{hookId}/{secret}},
 * once. {@code POST} to that URL sends a message as the hook's bot through persistence's send path like any
 * other send (same validation, limits, durability, and idempotency per {@code clientMsgId} when one is given).
 */
public final class WebhookRoutes {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_NAME_CHARS = 64;

  private final ServiceRequests requests;
  private final PublicUrl publicUrl;

  public WebhookRoutes(ServiceRequests requests, Settings settings) {
    this.requests = requests;
    this.publicUrl = PublicUrl.of(settings, "http.publicUrl");
  }

  /** The secret URLs: they carry their own credential and come before the authentication handler. */
  public void mountPublic(Router api) {
    api.post("/webhooks/:hookId/:secret").handler(this::post);
  }

  /** The management routes, after the authentication handler. */
  public void mount(Router api) {
    api.post("/rooms/:roomId/webhooks").handler(this::create);
    api.get("/rooms/:roomId/webhooks").handler(ctx -> Replies.json(ctx, 200,
        integrations(IntegrationActions.LIST_WEBHOOKS, inRoom(ctx))));
    api.delete("/rooms/:roomId/webhooks/:hookId").handler(ctx -> Replies.noContent(ctx,
        integrations(IntegrationActions.DELETE_WEBHOOK, inRoom(ctx).put("hookId", ctx.pathParam("hookId")))));
  }

  private void create(RoutingContext ctx) {
    String name = Requests.requiredString(Requests.jsonBody(ctx), "name").strip();
    if (name.isEmpty() || name.codePointCount(0, name.length()) > MAX_NAME_CHARS) {
      throw ParleyException.badRequest("name", "name must be 1-" + MAX_NAME_CHARS + " characters");
    }
    String userId = Principal.of(ctx).userId();
    String roomId = ctx.pathParam("roomId");
    String hookId = roomId + "-" + HexFormat.of().formatHex(randomBytes(9));
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    JsonObject bot = new JsonObject().put("userId", userId).put("username", "hook-" + HexFormat.of().formatHex(randomBytes(6)))
        .put("displayName", name).put("kind", "webhook");
    Future<JsonObject> created = integrations(IntegrationActions.CREATE_BOT, bot)
        .map(answer -> answer.getJsonObject("bot").getString("id"))
        .compose(botId -> requests.<JsonObject>request(Addresses.ROOMS, RoomActions.ADD_MEMBER, new JsonObject()
                .put("userId", userId).put("roomId", roomId).put("memberId", botId).put("role", RoomStanding.MEMBER))
            .recover(refused -> integrations(IntegrationActions.DELETE_BOT, new JsonObject().put("userId", userId)
                .put("botId", botId)).transform(cleaned -> Future.failedFuture(refused)))
            .compose(added -> integrations(IntegrationActions.CREATE_WEBHOOK, new JsonObject().put("userId", userId)
                .put("roomId", roomId).put("id", hookId).put("botId", botId).put("name", name)
                .put("secretHash", BotTokens.hash(secret)))))
        .map(hook -> hook.put("url", base(ctx) + "/api/v1/webhooks/" + hookId + "/" + secret));
    Replies.json(ctx, 201, created);
  }

  /** A message from outside: {@code {text, attachments?, clientMsgId?}}, sent as the hook's bot. */
  private void post(RoutingContext ctx) {
    JsonObject body = Requests.jsonBody(ctx);
    List<String> attachments = SendMessage.attachmentIds(body.getValue("attachments"));
    String text = attachments.isEmpty() ? Requests.requiredString(body, "text") : Requests.optionalString(body, "text");
    String clientMsgId = Requests.optionalString(body, "clientMsgId");
    JsonObject lookup = new JsonObject().put("hookId", ctx.pathParam("hookId"))
        .put("secretHash", BotTokens.hash(ctx.pathParam("secret")));
    integrations(IntegrationActions.WEBHOOK_BY_SECRET, lookup)
        .compose(hook -> requests.<ChatMessage>exchange(Addresses.PERSISTENCE_SEND, null,
            new SendMessage(hook.getString("roomId"), hook.getString("botId"),
                clientMsgId == null ? UUID.randomUUID().toString() : clientMsgId, text == null ? "" : text, null,
                attachments, null, true), true))
        .onSuccess(reply -> ctx.response()
            .setStatusCode("true".equals(reply.headers().get("created")) ? 201 : 200)
            .putHeader("content-type", "application/json")
            .end(reply.body().toJson().encode()))
        .onFailure(ctx::fail);
  }

  /** Where clients reach this API: {@code http.publicUrl}, else the scheme and host the request came to. */
  private String base(RoutingContext ctx) {
    if (publicUrl != null) {
      return publicUrl.origin();
    }
    return ctx.request().scheme() + "://" + ctx.request().getHeader("Host");
  }

  private Future<JsonObject> integrations(String action, JsonObject body) {
    return requests.request(Addresses.PERSISTENCE_INTEGRATIONS, action, body);
  }

  private static JsonObject inRoom(RoutingContext ctx) {
    return new JsonObject().put("userId", Principal.of(ctx).userId()).put("roomId", ctx.pathParam("roomId"));
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
