package dev.parley.node;

import dev.parley.common.HealthChecks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Builds this node's readiness report: cluster membership, the peers the profile needs ({@link PeerCheck}), the
 * profile's deployments, and every health check
 * the deployed verticles registered (MySQL, Redis, Kafka, ...). Checks with the same name (one per verticle
 * instance) fold into one entry that fails if any instance's check fails.
 */
final class Readiness {

  private final Vertx vertx;
  private final ClusterManager clusterManager;
  private final BooleanSupplier deploymentsComplete;
  private final Map<String, Integer> deployed;
  private final PeerCheck peers;
  private final long checkTimeoutMs;

  Readiness(Vertx vertx, ClusterManager clusterManager, BooleanSupplier deploymentsComplete,
      Map<String, Integer> deployed, PeerCheck peers, long checkTimeoutMs) {
    this.vertx = vertx;
    this.clusterManager = clusterManager;
    this.deploymentsComplete = deploymentsComplete;
    this.deployed = deployed;
    this.peers = peers;
    this.checkTimeoutMs = checkTimeoutMs;
  }

  /** The report; {@code ready} is true when every check passed. Never fails. */
  Future<JsonObject> report() {
    JsonObject checks = new JsonObject();
    boolean active = clusterManager.isActive();
    checks.put("cluster", new JsonObject()
        .put("ok", active)
        .put("members", active ? clusterManager.getNodes().size() : 0)
        .put("nodeId", clusterManager.getNodeId()));
    checks.put("deployments", new JsonObject()
        .put("ok", deploymentsComplete.getAsBoolean())
        .put("verticles", new JsonObject(Map.copyOf(deployed))));

    List<Future<JsonObject>> results = new ArrayList<>();
    results.add(peers.check().map(report -> report.put("name", "peers")));
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(checkTimeoutMs).setLocalOnly(true);
    HealthChecks.registry(vertx).forEach((address, name) -> results.add(
        vertx.eventBus().<JsonObject>request(address, null, options)
            .map(reply -> reply.body())
            .recover(failure -> Future.succeededFuture(failedCheck(address, name, failure)))));

    return Future.join(results).transform(all -> {
      for (Future<JsonObject> result : results) {
        JsonObject check = result.result();
        if (check == null) {
          continue;
        }
        fold(checks, check);
      }
      JsonArray failing = new JsonArray();
      checks.forEach(entry -> {
        if (!((JsonObject) entry.getValue()).getBoolean("ok")) {
          failing.add(entry.getKey());
        }
      });
      return Future.succeededFuture(new JsonObject()
          .put("status", failing.isEmpty() ? "UP" : "DOWN")
          .put("ready", failing.isEmpty())
          .put("failing", failing)
          .put("checks", checks));
    });
  }

  private JsonObject failedCheck(String address, String name, Throwable failure) {
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
      // The verticle that registered it was undeployed without cleaning up.
      HealthChecks.registry(vertx).remove(address);
      return null;
    }
    String error = failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT
        ? "no answer within " + checkTimeoutMs + " ms"
        : String.valueOf(failure.getMessage());
    return new JsonObject().put("name", name).put("ok", false).put("error", error);
  }

  private static void fold(JsonObject checks, JsonObject check) {
    String name = check.getString("name");
    JsonObject existing = checks.getJsonObject(name);
    if (existing == null || (existing.getBoolean("ok") && !check.getBoolean("ok"))) {
      JsonObject entry = check.copy();
      entry.remove("name");
      checks.put(name, entry);
    }
  }
}
