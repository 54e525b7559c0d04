package dev.parley.common.bus;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's service requests in flight, so that a request whose target node left the cluster ends when the
 * cluster manager removes that node instead of at its timeout.
 *
 * <p>Vert.x does not do this itself (5.0.7): a request already written to a node that then dies waits for its
 * full timeout, and so does one sent to it between its death and its removal (the write fails, and a failed
 * write does not fail the request). Vert.x does not say which node a request went to, so this keeps, per
 * address, the nodes that had consumers for it (refreshed from the cluster's registrations as requests are
 * made). When one of them leaves, every request in flight to that address once the leaver's registrations are
 * gone is treated as possibly lost: an idempotent one is sent again (the first answer wins), any other is failed
 * as unavailable if it has no answer {@code graceMs} after its start.
 *
 * <p>One per Vert.x instance, installed by the node launcher; without it (a plain Vert.x in unit tests)
 * requests simply run to their timeout.
 */
public final class Failover implements Shareable {

  private static final Logger LOG = LoggerFactory.getLogger(Failover.class);
  private static final String MAP = "parley.bus.failover";
  private static final long REFRESH_MS = 2000;
  private static final long POLL_MS = 25;
  /** After the registrations are gone, time for the event bus's own view to follow (vertx-hazelcast: ~20 ms). */
  private static final long SETTLE_MS = 100;
  /** How long a leaver's registrations may linger before requests are re-routed anyway. */
  private static final long MAX_DEREGISTRATION_MS = 3000;

  /** Which nodes have a clustered consumer for an address (the cluster manager's registrations). */
  public interface Registrations {
    Future<Set<String>> nodesServing(String address);
  }

  private record Serving(Set<String> nodes, long refreshedAt) {
  }

  private final Vertx vertx;
  private final Registrations registrations;
  private final long graceMs;
  private final Map<InFlight, Boolean> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Serving> serving = new ConcurrentHashMap<>();
  private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

  private Failover(Vertx vertx, Registrations registrations, long graceMs) {
    this.vertx = vertx;
    this.registrations = registrations;
    this.graceMs = graceMs;
  }

  /** Makes every {@link ServiceRequests} of this Vert.x instance fail over; the caller reports leaving nodes. */
  public static Failover install(Vertx vertx, Registrations registrations, long graceMs) {
    Failover failover = new Failover(vertx, registrations, graceMs);
    vertx.sharedData().<String, Failover>getLocalMap(MAP).put(MAP, failover);
    return failover;
  }

  static Failover of(Vertx vertx) {
    return vertx.sharedData().<String, Failover>getLocalMap(MAP).get(MAP);
  }

  /** One request in flight; {@link #done} when it has its answer. */
  final class InFlight {
    private final String address;
    private final boolean idempotent;
    private final Context context;
    private final Runnable resend;
    private final Runnable lost;
    private final long startedAt = System.nanoTime();

    private InFlight(String address, boolean idempotent, Context context, Runnable resend, Runnable lost) {
      this.address = address;
      this.idempotent = idempotent;
      this.context = context;
      this.resend = resend;
      this.lost = lost;
    }

    void done() {
      inFlight.remove(this);
    }
  }

  /**
   * Tracks a request. If a node serving {@code address} leaves, {@code resend} (idempotent requests) or
   * {@code lost} (others, after the grace) runs on {@code context} while the request is still in flight.
   */
  InFlight track(String address, boolean idempotent, Context context, Runnable resend, Runnable lost) {
    refreshIfStale(address);
    InFlight request = new InFlight(address, idempotent, context, resend, lost);
    inFlight.put(request, Boolean.TRUE);
    return request;
  }

  int inFlight() {
    return inFlight.size();
  }

  /**
   * The cluster removed {@code nodeId}. For each address it served, once the cluster no longer lists it there
   * (and the event bus has seen that), every request still in flight to that address may have gone to it: those
   * sent before, and those sent since while the event bus still routed to it. Idempotent ones are sent again;
   * the others fail unless answered within the grace of their start.
   */
  public void memberLeft(String nodeId) {
    Set<String> addresses = new HashSet<>();
    for (InFlight request : inFlight.keySet()) {
      if (mayBeServedBy(request.address, nodeId)) {
        addresses.add(request.address);
        // At once too: the event bus has usually dropped the leaver's registrations by now. If not, this copy
        // is lost like the first, and the one sent once they are gone (below) answers.
        if (request.idempotent) {
          resend(request);
        }
      }
    }
    serving.forEach((address, entry) -> {
      if (entry.nodes().contains(nodeId)) {
        addresses.add(address);
      }
    });
    LOG.info("node {} left the cluster; requests in flight to {} of its addresses are sent again or failed",
        nodeId, addresses.size());
    for (String address : addresses) {
      deregistered(address, nodeId).onComplete(gone -> vertx.setTimer(SETTLE_MS, settled -> reroute(address)));
    }
  }

  private void reroute(String address) {
    int resent = 0;
    int failing = 0;
    long now = System.nanoTime();
    for (InFlight request : inFlight.keySet()) {
      if (!request.address.equals(address)) {
        continue;
      }
      if (request.idempotent) {
        resent++;
        resend(request);
      } else {
        failing++;
        long waitMs = Math.max(1, graceMs - (now - request.startedAt) / 1_000_000);
        vertx.setTimer(waitMs, timer -> request.context.runOnContext(v -> {
          if (inFlight.containsKey(request)) {
            request.lost.run();
          }
        }));
      }
    }
    if (resent + failing > 0) {
      LOG.info("{}: {} requests sent again elsewhere, {} failed unless answered within {} ms of their start",
          address, resent, failing, graceMs);
    }
  }

  private void resend(InFlight request) {
    request.context.runOnContext(v -> {
      if (inFlight.containsKey(request)) {
        request.resend.run();
      }
    });
  }

  private boolean mayBeServedBy(String address, String nodeId) {
    Serving entry = serving.get(address);
    // Not looked up yet (the first requests to an address): it may be.
    return entry == null || entry.nodes().contains(nodeId);
  }

  private void refreshIfStale(String address) {
    Serving entry = serving.get(address);
    if (entry != null && System.currentTimeMillis() - entry.refreshedAt() < REFRESH_MS) {
      return;
    }
    if (!refreshing.add(address)) {
      return;
    }
    registrations.nodesServing(address)
        .onSuccess(nodes -> serving.put(address, new Serving(Set.copyOf(nodes), System.currentTimeMillis())))
        .onComplete(done -> refreshing.remove(address));
  }

  /**
   * Completes once the cluster no longer lists {@code nodeId} for {@code address}, or after
   * {@link #MAX_DEREGISTRATION_MS} if it still does.
   */
  private Future<Void> deregistered(String address, String nodeId) {
    Promise<Void> gone = Promise.promise();
    poll(address, nodeId, System.currentTimeMillis() + MAX_DEREGISTRATION_MS, gone);
    return gone.future();
  }

  private void poll(String address, String nodeId, long deadline, Promise<Void> gone) {
    registrations.nodesServing(address).onComplete(result -> {
      boolean listed = result.succeeded() && result.result().contains(nodeId);
      if (!listed || System.currentTimeMillis() >= deadline) {
        gone.complete();
        return;
      }
      vertx.setTimer(POLL_MS, timer -> poll(address, nodeId, deadline, gone));
    });
  }
}
