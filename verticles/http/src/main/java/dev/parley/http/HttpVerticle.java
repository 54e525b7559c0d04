package dev.parley.http;

import dev.parley.common.Servers;
import dev.parley.common.Settings;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.http.attachments.AttachmentRoutes;
import dev.parley.http.apidocs.ApiDocumentRoutes;
import dev.parley.http.apidocs.RouteTable;
import dev.parley.http.auth.AccountsApi;
import dev.parley.common.bus.ServiceRequests;
import dev.parley.http.integrations.BotRoutes;
import dev.parley.http.integrations.HookRoutes;
import dev.parley.http.integrations.WebhookRoutes;
import dev.parley.common.push.VapidKeys;
import dev.parley.http.moderation.AdminConfig;
import dev.parley.http.moderation.AdminRoutes;
import dev.parley.http.moderation.ModerationRoutes;
import dev.parley.http.notifications.NotificationRoutes;
import dev.parley.http.notifications.PushRoutes;
import dev.parley.http.rooms.RoomRoutes;
import dev.parley.http.search.SearchRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API ({@code /api/v1}), the operations routes and the browser chat page ({@code /}) on the API port.
 * Holds no data of its own.
 */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private AccountsApi accounts;
  private AttachmentRoutes attachments;

  @Override
  public Future<?> start() {
    Settings settings = Settings.of(config());
    Router router = Router.router(vertx);
    OperationsRoutes.mount(router, vertx);

    accounts = new AccountsApi(vertx, settings);
    attachments = new AttachmentRoutes(vertx, settings);
    attachments.mountUpload(router, "/api/v1", accounts::authenticate);
    Router api = Router.router(vertx);
    api.route().handler(BodyHandler.create(false).setBodyLimit(settings.integer("http.maxBodyBytes", 65536)));
    // Accounts: register/login/refresh are public; every route mounted after the authentication handler needs
    // a valid access token of an active session and finds the caller with Principal.of(ctx).
    accounts.mountPublic(api);
    ServiceRequests integrationRequests = new ServiceRequests(vertx, settings.integer("http.requestTimeoutMs", 10_000));
    WebhookRoutes webhooks = new WebhookRoutes(integrationRequests, settings);
    webhooks.mountPublic(api);
    ApiDocumentRoutes documents = new ApiDocumentRoutes();
    documents.mount(api);
    api.route().handler(accounts::authenticate);
    accounts.mountProtected(api);
    new BotRoutes(integrationRequests, accounts::guard).mount(api);
    webhooks.mount(api);
    new HookRoutes(vertx, integrationRequests).mount(api);
    new RoomRoutes(vertx, settings.integer("http.requestTimeoutMs", 10_000)).mount(api);
    new SearchRoutes(vertx, settings.integer("http.requestTimeoutMs", 10_000)).mount(api);
    new NotificationRoutes(vertx, settings.integer("http.requestTimeoutMs", 10_000)).mount(api);
    attachments.mount(api);
    new ModerationRoutes(vertx, settings.integer("http.requestTimeoutMs", 10_000)).mount(api);
    new AdminRoutes(vertx, settings.integer("http.requestTimeoutMs", 10_000), AdminConfig.from(settings), accounts)
        .mount(api);
    router.route("/api/v1/*").subRouter(api);
    // The browser chat page at / and its /client-config.json; never shadows the routes above.
    WebClientRoutes.mount(router, settings);

    router.route().last().handler(ctx ->
        ErrorResponses.send(ctx, new ParleyException(ErrorCode.NOT_FOUND, "no such endpoint")));
    router.route().failureHandler(ErrorResponses::handle);

    return documents.load(vertx)
        .compose(loaded -> VapidKeys.load(vertx, settings, false))
        .onSuccess(vapid -> new PushRoutes(vertx, settings.integer("http.requestTimeoutMs", 10_000),
            settings.bool("push.allowInsecureEndpoints", false), vapid).mount(api))
        .compose(keys -> accounts.start())
        .onSuccess(started -> RouteTable.publish(vertx, router))
        .compose(ready -> attachments.start())
        .compose(ready -> Servers.listen(vertx.createHttpServer().requestHandler(router), settings, "http"))
        .onSuccess(server -> LOG.info("http verticle started on port {}", server.actualPort()));
  }

  @Override
  public Future<?> stop() {
    Future<?> attachmentsStopped = attachments == null ? Future.succeededFuture() : attachments.stop();
    return attachmentsStopped.eventually(() -> accounts == null ? Future.succeededFuture() : accounts.stop());
  }
}
