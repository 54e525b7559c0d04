package dev.parley.common.bus;

import io.vertx.core.Context;
import io.vertx.core.Future;
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
 * full timeout, and so does one sent to it between its death and the moment the event bus stops routing to it
 * (the write fails, and a failed write does not fail the request). Vert.x does not say which node a request
 * went to, so this keeps, per address, the nodes that had consumers for it (refreshed from the cluster's
 * registrations as requests are made). When one of them leaves, a {@link Sweep} watches that address: every
 * request in flight to it may have gone to the leaver, and so may any sent until the event bus's own view of
 * the registrations has caught up with the cluster's (it follows map events through a throttle, later than
 * the map itself on a loaded node). An idempotent request is sent again (the first answer wins): at once,
 * once the leaver's registrations are gone, and again while the sweep lasts whenever a copy has waited
 * {@link #RESEND_AFTER_MS}; any other request is failed as unavailable if it has no answer {@code graceMs}
 * after its start.
 *
 * <p>One per Vert.x instance, installed by the node launcher; without it (a plain Vert.x in unit tests)
 * requests simply run to their timeout.
 */
public final class Failover implements Shareable {

  private static final Logger LOG = LoggerFactory.getLogger(Failover.class);
  private static final String MAP = "parley.bus.failover";
  private static final long REFRESH_MS = 2000;
  private static final long TICK_MS = 50;
  /** After the registrations are gone, time for the event bus's own view to follow (vertx-hazelcast: ~20 ms). */
  private static final long SETTLE_MS = 100;
  /** An idempotent copy unanswered this long while a sweep runs is presumed lost with the leaver: sent again. */
  static final long RESEND_AFTER_MS = 500;
  /** A sweep ends once the leaver's registrations have been gone this long (the event bus has long caught up). */
  private static final long QUIET_MS = 2000;
  /** ... or after this long in any case, registrations gone or not. */
  private static final long MAX_SWEEP_MS = 15_000;

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
    private volatile long sentAt = startedAt;

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
   * The cluster removed {@code nodeId}. Idempotent requests in flight to its addresses are sent again at once
   * (the event bus has usually dropped the leaver's registrations by now; if not, that copy is lost like the
   * first and the sweep sends another), and each address it served is swept until the event bus has surely
   * stopped routing to it.
   */
  public void memberLeft(String nodeId) {
    Set<String> addresses = new HashSet<>();
    for (InFlight request : inFlight.keySet()) {
      if (mayBeServedBy(request.address, nodeId)) {
        addresses.add(request.address);
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
      new Sweep(address, nodeId).tick();
    }
  }

  /**
   * Watches one address after one of its nodes left: polls the registrations every {@link #TICK_MS}; once the
   * leaver is no longer listed (and {@link #SETTLE_MS} after), every idempotent request in flight there is sent
   * again; until the sweep ends, so is any copy unanswered for {@link #RESEND_AFTER_MS}, and a request that
   * must not be repeated fails once {@code graceMs} after its start has passed without an answer.
   */
  private final class Sweep {
    private final String address;
    private final String nodeId;
    private final long startedAt = System.nanoTime();
    private long goneAt;
    private boolean rerouted;

    Sweep(String address, String nodeId) {
      this.address = address;
      this.nodeId = nodeId;
    }

    void tick() {
      registrations.nodesServing(address).onComplete(listed -> {
        long now = System.nanoTime();
        boolean gone = listed.succeeded() && !listed.result().contains(nodeId);
        if (gone && goneAt == 0) {
          goneAt = now;
        }
        if (!rerouted && goneAt != 0 && now - goneAt >= SETTLE_MS * 1_000_000) {
          rerouted = true;
          pass(0);
        } else if (rerouted) {
          pass(RESEND_AFTER_MS);
        }
        boolean quiet = goneAt != 0 && now - goneAt >= QUIET_MS * 1_000_000;
        if (quiet || now - startedAt >= MAX_SWEEP_MS * 1_000_000) {
          if (!rerouted) {
            pass(0);
          }
          return;
        }
        vertx.setTimer(TICK_MS, timer -> tick());
      });
    }

    /** Sends again the idempotent requests whose last copy went out at least {@code staleMs} ago. */
    private void pass(long staleMs) {
      int resent = 0;
      int failed = 0;
      long now = System.nanoTime();
      for (InFlight request : inFlight.keySet()) {
        if (!request.address.equals(address)) {
          continue;
        }
        if (request.idempotent) {
          if (now - request.sentAt >= staleMs * 1_000_000) {
            resent++;
            resend(request);
          }
        } else if (now - request.startedAt >= graceMs * 1_000_000) {
          failed++;
          request.context.runOnContext(v -> {
            if (inFlight.containsKey(request)) {
              request.lost.run();
            }
          });
        }
      }
      if (resent + failed > 0) {
        LOG.info("{}: {} requests sent again elsewhere, {} failed after {} ms without an answer", address, resent,
            failed, graceMs);
      }
    }
  }

  private void resend(InFlight request) {
    request.sentAt = System.nanoTime();
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
}
