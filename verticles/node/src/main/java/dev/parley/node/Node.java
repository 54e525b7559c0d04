package dev.parley.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import dev.parley.contract.Codecs;
import dev.parley.node.NodeConfig.Deployment;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Parley node: a clustered Vert.x (Hazelcast), the management endpoint, and the verticles its
 * profile names, deployed in the profile's order.
 */
final class Node {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final NodeConfig config;
  private final Vertx vertx;
  private final HazelcastClusterManager clusterManager;
  private final Map<String, Integer> deployed = new LinkedHashMap<>();
  private final List<String> deploymentIds = new ArrayList<>();

  private Node(NodeConfig config, Vertx vertx, HazelcastClusterManager clusterManager) {
    this.config = config;
    this.vertx = vertx;
    this.clusterManager = clusterManager;
  }

  /** Joins the cluster and deploys everything; on any failure the half-started node is closed again. */
  static Future<Node> start(NodeConfig config) {
    long startedAt = System.nanoTime();
    HazelcastClusterManager clusterManager;
    try {
      clusterManager = new HazelcastClusterManager(hazelcastConfig(config));
    } catch (ConfigException bad) {
      return Future.failedFuture(bad);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Settings settings = Settings.of(config.config());
    VertxOptions options;
    try {
      options = vertxOptions(settings);
    } catch (ConfigException bad) {
      return Future.failedFuture(bad);
    }
    // Completed from whichever thread finishes the start, not through a context: on a failed start the
    // node's own event loops are gone by the time the caller hears of it.
    Promise<Node> started = Promise.promise();
    Vertx.builder()
        .with(options)
        .withClusterManager(clusterManager)
        .withMetrics(new MicrometerMetricsFactory(registry))
        .buildClustered()
        .onFailure(started::fail)
        .onSuccess(vertx -> {
          Codecs.registerAll(vertx);
          ClusterFailover.install(vertx, clusterManager, settings);
          Node node = new Node(config, vertx, clusterManager);
          node.deployAll(registry).onComplete(deployed -> {
            if (deployed.failed()) {
              vertx.close().onComplete(closed -> started.fail(deployed.cause()));
              return;
            }
            LOG.info("node '{}' ready to serve: {} in {} ms, cluster of {}, {} transport", settings.string("node.name"),
                node.deployed, (System.nanoTime() - startedAt) / 1_000_000, clusterManager.getNodes().size(),
                vertx.isNativeTransportEnabled() ? "epoll" : "NIO");
            started.complete(node);
          });
        });
    return started.future();
  }

  private Future<Void> deployAll(PrometheusMeterRegistry registry) {
    Map<String, String> needs = VerticleCatalog.needs(config.deployments().stream().map(Deployment::verticle).toList());
    ManagementVerticle management = new ManagementVerticle(
        Settings.of(config.config()), clusterManager, registry, this::deploymentsComplete, deployed, needs);
    Future<Void> chain = vertx.deployVerticle(management).mapEmpty();
    for (Deployment deployment : config.deployments()) {
      chain = chain.compose(previous -> deploy(deployment));
    }
    return chain.onSuccess(done -> deployed.forEach((name, instances) ->
        Gauge.builder("parley_node_verticle_instances", () -> deployed.getOrDefault(name, 0))
            .description("Verticle instances this node deployed from its profile")
            .tag("verticle", name)
            .register(registry)));
  }

  private Future<Void> deploy(Deployment deployment) {
    DeploymentOptions options = new DeploymentOptions()
        .setInstances(deployment.instances())
        .setConfig(deployment.config());
    return vertx.deployVerticle(deployment.className(), options)
        .recover(failure -> Future.failedFuture(new DeploymentFailure(deployment.verticle(), failure)))
        .map(id -> {
          deploymentIds.add(id);
          deployed.merge(deployment.verticle(), deployment.instances(), Integer::sum);
          LOG.info("deployed verticle '{}' x{}", deployment.verticle(), deployment.instances());
          return null;
        });
  }

  private boolean deploymentsComplete() {
    return deploymentIds.size() == config.deployments().size();
  }

  Vertx vertx() {
    return vertx;
  }

  /** Verticle name -> instances deployed, in deployment order. */
  Map<String, Integer> deployed() {
    return Map.copyOf(deployed);
  }

  /** Undeploys the profile's verticles in reverse order (front doors first), then leaves the cluster. */
  Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deploymentIds.size() - 1; i >= 0; i--) {
      String id = deploymentIds.get(i);
      chain = chain.eventually(() -> vertx.undeploy(id));
    }
    return chain.eventually(vertx::close);
  }

  /**
   * Metrics, and the event bus's own TCP transport: it binds where Hazelcast does, on {@code cluster.eventBusPort}
   * (0: picked by the OS), and tells the other nodes {@code cluster.publicHost} if the bind address is not the one
   * they can reach (NAT, containers).
   */
  static VertxOptions vertxOptions(Settings settings) {
    VertxOptions options = new VertxOptions()
        // Linux epoll when its native library loads (it ships in the fat jar); JDK NIO elsewhere.
        .setPreferNativeTransport(settings.bool("node.nativeTransport", true))
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
    EventBusOptions eventBus = options.getEventBusOptions()
        .setHost(settings.string("cluster.host"))
        .setPort(optionalPort(settings, "cluster.eventBusPort"));
    String publicHost = settings.string("cluster.publicHost", null);
    if (publicHost != null) {
      eventBus.setClusterPublicHost(publicHost);
    }
    EventBusTls.apply(settings, eventBus);
    return options;
  }

  /**
   * The Hazelcast file ({@code cluster.configFile}) completed from the node's config. If the file joins through a
   * discovery mechanism (its {@code <kubernetes>}, a cloud or a discovery strategy is enabled), that join is used as
   * written; otherwise the join is TCP-IP with {@code cluster.members}, whatever the file says. Properties the file
   * sets win over the launcher's defaults.
   */
  static Config hazelcastConfig(NodeConfig node) {
    Settings settings = Settings.of(node.config());
    Config config = loadHazelcastFile(node, settings);
    // Nodes join only a cluster of the same name: tests and side-by-side installs pick their own.
    config.setClusterName(settings.string("cluster.name"));
    propertyUnlessSet(config, "hazelcast.logging.type", "slf4j");
    propertyUnlessSet(config, "hazelcast.phone.home.enabled", "false");
    propertyUnlessSet(config, "hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.local.localAddress", settings.string("cluster.host"));
    // Listen on cluster.host only, not on every interface (Hazelcast's default): its member protocol is neither
    // authenticated nor encrypted in open-source Hazelcast.
    propertyUnlessSet(config, "hazelcast.socket.bind.any", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port("cluster.port")).setPortAutoIncrement(true);
    String publicHost = settings.string("cluster.publicHost", null);
    if (publicHost != null) {
      // Without a port Hazelcast advertises the port it bound.
      network.setPublicAddress(publicHost);
    }
    JoinConfig join = network.getJoin();
    if (!joinsByDiscovery(join)) {
      join.getAutoDetectionConfig().setEnabled(false);
      join.getMulticastConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(settings.strings("cluster.members"));
    }
    return config;
  }

  private static boolean joinsByDiscovery(JoinConfig join) {
    return join.getKubernetesConfig().isEnabled()
        || join.getAwsConfig().isEnabled()
        || join.getGcpConfig().isEnabled()
        || join.getAzureConfig().isEnabled()
        || join.getEurekaConfig().isEnabled()
        || join.getDiscoveryConfig().isEnabled();
  }

  private static void propertyUnlessSet(Config config, String name, String value) {
    if (config.getProperty(name) == null) {
      config.setProperty(name, value);
    }
  }

  private static int optionalPort(Settings settings, String key) {
    int port = settings.integer(key, 0);
    if (port < 0 || port > 65535) {
      throw new ConfigException("key '" + key + "' must be a TCP port (0-65535), not " + port);
    }
    return port;
  }

  private static Config loadHazelcastFile(NodeConfig node, Settings settings) {
    String file = settings.string("cluster.configFile", null);
    if (file == null) {
      return ConfigUtil.loadConfig();
    }
    Path path = Path.of(file);
    try {
      return new FileSystemXmlConfig(path.toFile());
    } catch (FileNotFoundException missing) {
      throw new ConfigException("key 'cluster.configFile': no such file " + path);
    } catch (RuntimeException invalid) {
      throw new ConfigException("key 'cluster.configFile': invalid Hazelcast config " + path + " ("
          + invalid.getMessage() + ")");
    }
  }

  /** A verticle that did not start; its message says which one and why, in one line. */
  static final class DeploymentFailure extends RuntimeException {

    DeploymentFailure(String verticle, Throwable cause) {
      super("verticle '" + verticle + "' failed to start: " + describe(cause), cause, false, false);
    }

    private static String describe(Throwable cause) {
      if (cause instanceof ClassNotFoundException) {
        return "its module is not in this build";
      }
      String message = cause.getMessage();
      return message == null ? cause.getClass().getSimpleName() : message;
    }
  }
}
