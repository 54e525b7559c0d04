package dev.parley.node;

import dev.parley.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The readiness check of the peers a node expects: the cluster has at least {@code cluster.minMembers} members,
 * and every service the profile's verticles need (persistence, rooms) runs on a current member that answers a
 * ping within the timeout, and the cluster registry lists this node's own ping consumer (the others find it there:
 * after a split-brain merge its registrations are back only once Vert.x has republished them). So a node that is
 * alone after a partition or a long pause, whose only core node is frozen, or that the rest of the cluster cannot
 * yet address after a merge, says 503 instead of accepting clients it cannot serve.
 */
final class PeerCheck {

  private final Vertx vertx;
  private final ClusterManager clusterManager;
  private final Map<String, String> needs;
  private final int minMembers;
  private final long timeoutMs;
  private final DeliveryOptions ping;

  PeerCheck(Vertx vertx, ClusterManager clusterManager, Map<String, String> needs, int minMembers, long timeoutMs) {
    this.vertx = vertx;
    this.clusterManager = clusterManager;
    this.needs = needs;
    this.minMembers = minMembers;
    this.timeoutMs = timeoutMs;
    this.ping = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** Answers this node's own pings; one clustered consumer per node. */
  static Future<?> answerPings(Vertx vertx, ClusterManager clusterManager) {
    return vertx.eventBus().consumer(Addresses.NODE_PING_PREFIX + clusterManager.getNodeId(),
        request -> request.reply(null)).completion();
  }

  /**
   * {@code {ok, members, minMembers, registered, needs: {service: {ok, nodes, reachable, error?}}, error?}}; never
   * fails.
   */
  Future<JsonObject> check() {
    List<String> members = clusterManager.isActive() ? clusterManager.getNodes() : List.of();
    JsonObject report = new JsonObject().put("members", members.size()).put("minMembers", minMembers);
    List<String> problems = new ArrayList<>();
    if (members.size() < minMembers) {
      problems.add(members.size() + " of at least " + minMembers + " cluster members");
    }
    Future<String> self = registered()
        .map(registered -> registered ? null : "this node is not in the cluster registry (yet)")
        .otherwise(failure -> "cluster registry " + failure.getMessage());
    Map<String, Future<JsonObject>> services = new LinkedHashMap<>();
    needs.forEach((service, address) -> services.put(service, service(address, Set.copyOf(members))));
    List<Future<?>> checks = new ArrayList<>(services.values());
    checks.add(self);
    // The problems in a fixed order (not the order the answers came in): a report that does not change does not
    // read as if it did.
    return Future.join(checks).transform(done -> {
      report.put("registered", self.result() == null);
      if (self.result() != null) {
        problems.add(self.result());
      }
      JsonObject needed = new JsonObject();
      services.forEach((service, result) -> {
        JsonObject reachable = result.result();
        needed.put(service, reachable);
        if (!reachable.getBoolean("ok")) {
          problems.add(reachable.containsKey("error") ? service + ": " + reachable.getString("error")
              : reachable.getInteger("nodes") == 0 ? "no cluster member runs " + service
              : "no node running " + service + " answers");
        }
      });
      report.put("ok", problems.isEmpty()).put("needs", needed);
      if (!problems.isEmpty()) {
        report.put("error", String.join("; ", problems));
      }
      return Future.succeededFuture(report);
    });
  }

  /** Whether the cluster registry lists this node's own ping consumer. */
  private Future<Boolean> registered() {
    String self = clusterManager.getNodeId();
    return registrations(Addresses.NODE_PING_PREFIX + self).map(list -> list.stream()
        .anyMatch(registration -> !registration.localOnly() && self.equals(registration.nodeId())));
  }

  /** The registrations of {@code address}, or a failure if the registry does not answer within the timeout. */
  private Future<List<RegistrationInfo>> registrations(String address) {
    // The cluster manager completes the promise it is given with complete(), which throws once the timeout below
    // has failed it ("Promise already completed", logged as an unhandled exception in chaos runs): it gets a
    // promise of its own, passed on with tryComplete/tryFail.
    Promise<List<RegistrationInfo>> read = Promise.promise();
    clusterManager.getRegistrations(address, read);
    Promise<List<RegistrationInfo>> registrations = Promise.promise();
    // A read whose partition lives on a frozen or unreachable member waits for Hazelcast's own timeouts: don't.
    long timer = vertx.setTimer(timeoutMs, expired -> registrations.tryFail("did not answer within " + timeoutMs
        + " ms"));
    read.future().onComplete(answer -> {
      vertx.cancelTimer(timer);
      if (answer.succeeded()) {
        registrations.tryComplete(answer.result());
      } else {
        registrations.tryFail(answer.cause());
      }
    });
    return registrations.future();
  }

  /** How many current members run the service at {@code address}, and how many of them answer a ping. */
  private Future<JsonObject> service(String address, Set<String> members) {
    return registrations(address).compose(list -> {
      Set<String> nodes = new HashSet<>();
      for (RegistrationInfo registration : list) {
        if (!registration.localOnly() && members.contains(registration.nodeId())) {
          nodes.add(registration.nodeId());
        }
      }
      List<Future<Boolean>> pings = new ArrayList<>();
      for (String node : nodes) {
        pings.add(vertx.eventBus().request(Addresses.NODE_PING_PREFIX + node, null, ping)
            .map(true).otherwise(false));
      }
      return Future.join(pings).transform(done -> {
        long reachable = pings.stream().filter(Future::result).count();
        return Future.succeededFuture(new JsonObject().put("ok", reachable > 0).put("nodes", nodes.size())
            .put("reachable", reachable));
      });
    }).otherwise(failure -> new JsonObject().put("ok", false).put("nodes", 0).put("reachable", 0)
        .put("error", "cluster registry " + failure.getMessage()));
  }
}
