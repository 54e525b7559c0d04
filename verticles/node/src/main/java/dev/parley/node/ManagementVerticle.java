package dev.parley.node;

import dev.parley.common.Servers;
import dev.parley.common.Settings;
import dev.parley.contract.Addresses;
import dev.parley.contract.ParleyException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The management endpoint every node has, whatever its profile: {@code /health}, {@code /ready} and
 * {@code /metrics} on the management port, and the operator's {@code POST /search/reindex} (a search verticle
 * somewhere in the cluster rebuilds its index into a new one without downtime, {@link Addresses#SEARCH_REINDEX};
 * the answer comes when the new index serves, within {@code management.reindexTimeoutMs}). It also answers {@link Addresses#NODE_READY} and
 * {@link Addresses#NODE_METRICS} locally, so the HTTP verticle can serve the same on the API port.
 */
final class ManagementVerticle extends VerticleBase {

  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Settings settings;
  private final ClusterManager clusterManager;
  private final PrometheusMeterRegistry registry;
  private final BooleanSupplier deploymentsComplete;
  private final Map<String, Integer> deployed;
  private final Map<String, String> needs;
  private Readiness readiness;
  /** {@code parley_node_ready}: the last readiness report, 1 or 0, for alerting (Prometheus cannot read /ready). */
  private final AtomicInteger ready = new AtomicInteger();
  private static final long READY_GAUGE_PERIOD_MS = 5000;

  ManagementVerticle(Settings settings, ClusterManager clusterManager, PrometheusMeterRegistry registry,
      BooleanSupplier deploymentsComplete, Map<String, Integer> deployed, Map<String, String> needs) {
    this.settings = settings;
    this.clusterManager = clusterManager;
    this.registry = registry;
    this.deploymentsComplete = deploymentsComplete;
    this.deployed = deployed;
    this.needs = needs;
  }

  @Override
  public Future<?> start() {
    PeerCheck peers = new PeerCheck(vertx, clusterManager, needs, settings.integer("cluster.minMembers"),
        settings.integer("cluster.peerTimeoutMs"));
    readiness = new Readiness(vertx, clusterManager, deploymentsComplete, deployed, peers,
        settings.integer("management.checkTimeoutMs", 2000));
    Gauge.builder("parley_node_ready", ready, AtomicInteger::get)
        .description("1 when this node's readiness report (GET /ready) passed at its last check (every 5 s), else 0")
        .register(registry);
    refreshReadyGauge();
    vertx.setPeriodic(READY_GAUGE_PERIOD_MS, id -> refreshReadyGauge());
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/ready").handler(this::ready);
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("content-type", PROMETHEUS_CONTENT_TYPE)
        .end(registry.scrape()));
    DeliveryOptions reindex = new DeliveryOptions().setSendTimeout(settings.integer("management.reindexTimeoutMs",
        6 * 3_600_000));
    router.post("/search/reindex").handler(ctx -> vertx.eventBus().<JsonObject>request(Addresses.SEARCH_REINDEX,
            new JsonObject(), reindex)
        .onSuccess(reply -> ctx.json(reply.body()))
        .onFailure(failure -> {
          ParleyException error = ParleyException.from(failure);
          ctx.response().setStatusCode(error.code().status()).putHeader("content-type", "application/json")
              .end(error.toErrorBody().encode());
        }));

    Future<?> readyConsumer = vertx.eventBus().<Void>localConsumer(Addresses.NODE_READY,
        request -> readiness.report().onSuccess(request::reply)).completion();
    Future<?> metricsConsumer = vertx.eventBus().<Void>localConsumer(Addresses.NODE_METRICS,
        request -> request.reply(registry.scrape())).completion();

    Future<HttpServer> server = Servers.listen(vertx.createHttpServer().requestHandler(router), settings, "management");
    return Future.all(readyConsumer, metricsConsumer, PeerCheck.answerPings(vertx, clusterManager), server);
  }

  private void refreshReadyGauge() {
    readiness.report().onSuccess(report -> ready.set(report.getBoolean("ready") ? 1 : 0));
  }

  private void ready(RoutingContext ctx) {
    readiness.report().onSuccess(report -> ctx.response()
        .setStatusCode(report.getBoolean("ready") ? 200 : 503)
        .putHeader("content-type", "application/json")
        .end(report.encode()));
  }
}
