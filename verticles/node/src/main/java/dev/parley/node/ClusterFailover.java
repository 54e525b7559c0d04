package dev.parley.node;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import dev.parley.common.Settings;
import dev.parley.common.bus.Failover;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Connects the request helper's {@link Failover} to the cluster: which nodes serve an address (the event bus's
 * registrations) and which node left (Hazelcast's membership events; the Vert.x node listener slot is taken by
 * Vert.x's own HA manager).
 */
final class ClusterFailover {

  /** The member attribute vertx-hazelcast stores the Vert.x node id in (registrations name nodes by it). */
  static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private ClusterFailover() {
  }

  static Failover install(Vertx vertx, HazelcastClusterManager clusterManager, Settings settings) {
    Failover failover = Failover.install(vertx, address -> nodesServing(clusterManager, address),
        settings.integer("cluster.failoverGraceMs"));
    clusterManager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        // Nothing to do: new nodes' registrations are picked up as requests are made.
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String nodeId = event.getMember().getAttribute(NODE_ID_ATTRIBUTE);
        failover.memberLeft(nodeId != null ? nodeId : event.getMember().getUuid().toString());
      }
    });
    return failover;
  }

  private static Future<Set<String>> nodesServing(HazelcastClusterManager clusterManager, String address) {
    Promise<List<RegistrationInfo>> registrations = Promise.promise();
    clusterManager.getRegistrations(address, registrations);
    return registrations.future().map(list -> list.stream()
        .filter(registration -> !registration.localOnly())
        .map(RegistrationInfo::nodeId)
        .collect(Collectors.toSet()));
  }
}
