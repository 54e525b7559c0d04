package dev.parley.node;

import dev.parley.common.Servers;
import dev.parley.common.Settings;
import dev.parley.contract.Addresses;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
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
 * {@code /metrics} on the management port. It also answers {@link Addresses#NODE_READY} and
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
