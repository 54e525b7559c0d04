package dev.parley.socket;

import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The life of a session, whatever its transport: opening it (the connection lease under the per-user cap, the
 * rooms it follows, coming online), closing it (going offline), the periodic heartbeat and presence refresh,
 * and the drain at shutdown. Transports hand their sessions here ({@link WebSocketEndpoint},
 * {@link BridgeEndpoint}). Event-loop confined.
 */
final class Sessions {

  /** A socket closed before its session was opened (no stack: an everyday event). */
  static final VertxException CLOSED = new VertxException("closed", true);
  /** Periodic per-connection work (pings, presence refresh) is spread over this many ticks of its period. */
  private static final int SLICES = 10;

  private final Vertx vertx;
  private final SocketConfig config;
  private final SessionHub hub;
  private final Presence presence;
  /** Session opens (token check, rooms, stream starts, presence) in progress at once; the rest queue. */
  final Gate opening;
  private final List<Long> timers = new ArrayList<>();
  private boolean stopping;

  Sessions(Vertx vertx, SocketConfig config, SessionHub hub, Presence presence) {
    this.vertx = vertx;
    this.config = config;
    this.hub = hub;
    this.presence = presence;
    this.opening = new Gate(config.maxConcurrentOpens(), config.maxWaitingOpens());
  }

  /** True once shutdown began: new sockets are refused (503). */
  boolean stopping() {
    return stopping;
  }

  /**
   * Each connection is pinged once per half heartbeat and its presence refreshed once per third of the TTL, a
   * slice of the connections per tick: all of them in one go stalled deliveries on this loop.
   */
  void startTimers() {
    long[] ticks = {0, 0};
    timers.add(vertx.setPeriodic(Math.max(1000, config.heartbeatMs() / 2) / SLICES,
        id -> heartbeat((int) (ticks[0]++ % SLICES))));
    timers.add(vertx.setPeriodic(config.presenceTtlSeconds() * 1000L / 3 / SLICES,
        id -> refreshPresence((int) (ticks[1]++ % SLICES))));
  }

  /**
   * Registers a session: a connection lease under the per-user cap (atomic in Redis across the cluster), the
   * rooms it follows, presence. With Redis away the cap falls back to this instance's own count.
   */
  Future<Void> open(Session session) {
    String userId = session.userId();
    int cap = config.maxConnectionsPerUser();
    return presence.connected(userId, session.id, cap)
        .recover(redisAway -> Future.succeededFuture(hub.localConnections(userId) < cap ? 0 : -1))
        .compose(held -> {
          if (held < 0) {
            return Future.failedFuture(new ParleyException(ErrorCode.RATE_LIMITED, "too many connections"));
          }
          if (session.closed) {
            // Closed while the lease was taken: closed() may have run before it existed.
            presence.disconnected(userId, session.id, System.currentTimeMillis());
            return Future.failedFuture(CLOSED);
          }
          hub.add(session);
          session.watchExpiry();
          Future<List<String>> rooms = session.followsAllRooms()
              ? hub.client.userRooms(userId).compose(ids -> Future.all(ids.stream()
                  .map(roomId -> hub.follow(session, roomId)).toList()).compose(followed -> hub.startStreams(session, ids))
                  .map(ids))
              : Future.succeededFuture(null);
          return rooms.onSuccess(ids -> {
            if (held == 1) {
              announcePresence(userId, ids, "online", null);
            }
          }).mapEmpty();
        });
  }

  void closed(Session session) {
    session.closed = true;
    List<String> roomIds = session.followsAllRooms() ? List.copyOf(session.roomIds()) : null;
    hub.remove(session);
    long at = System.currentTimeMillis();
    presence.disconnected(session.userId(), session.id, at).onSuccess(last -> {
      if (last) {
        announcePresence(session.userId(), roomIds, "offline", at);
      }
    });
  }

  /** {@code roomIds}: the user's rooms when the session followed all of them, else null (they are asked for). */
  private void announcePresence(String userId, List<String> roomIds, String status, Long lastSeen) {
    JsonObject body = new JsonObject().put("userId", userId).put("status", status);
    if (lastSeen != null) {
      body.put("lastSeen", lastSeen);
    }
    (roomIds != null ? Future.succeededFuture(roomIds) : hub.client.userRooms(userId)).onSuccess(rooms -> rooms.forEach(
        roomId -> vertx.eventBus().publish(Addresses.room(roomId),
            RoomEvent.by(userId, roomId, RoomEvent.PRESENCE, body))));
  }

  /** The sessions whose turn it is at this tick of a periodic task (a session stays in its slice). */
  private List<Session> slice(int slice) {
    return hub.all().stream().filter(session -> Math.floorMod(session.id.hashCode(), SLICES) == slice).toList();
  }

  /** Pings WebSockets and closes the ones that stayed silent for two heartbeats (4408). */
  private void heartbeat(int slice) {
    long silentNanos = TimeUnit.MILLISECONDS.toNanos(config.heartbeatMs() * 2L);
    long now = System.nanoTime();
    for (Session session : slice(slice)) {
      if (now - session.lastHeardNanos > silentNanos) {
        session.close(CloseCodes.NO_HEARTBEAT, "no heartbeat");
      } else if (session instanceof WebSocketSession socket) {
        socket.ping();
      }
    }
  }

  private void refreshPresence(int slice) {
    List<String[]> connections = new ArrayList<>();
    slice(slice).forEach(session -> connections.add(new String[] {session.userId(), session.id}));
    if (!connections.isEmpty()) {
      presence.refresh(connections);
    }
  }

  /**
   * SIGTERM: stop accepting, let in-flight sends finish (bounded) so their acks go out, then close every
   * socket with 4503 so clients reconnect to another node and resume.
   */
  Future<Void> drainAndClose() {
    stopping = true;
    timers.forEach(vertx::cancelTimer);
    hub.all().forEach(Session::pauseInput);
    Promise<Void> drained = Promise.promise();
    long deadline = System.currentTimeMillis() + config.drainTimeoutMs();
    vertx.setPeriodic(20, id -> {
      boolean idle = hub.all().stream().allMatch(session -> session.inFlightSends == 0);
      if (idle || System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        drained.complete();
      }
    });
    // New upgrades are refused (503) from now on; sockets close with 4503 once their sends are answered, and
    // only then the server, which would otherwise close them with a plain 1000.
    return drained.future().compose(done -> {
      List<Future<Boolean>> offline = new ArrayList<>();
      for (Session session : hub.all()) {
        session.close(CloseCodes.GOING_AWAY, "server going away");
        hub.remove(session);
        offline.add(presence.disconnected(session.userId(), session.id, System.currentTimeMillis()).otherwise(false));
      }
      return Future.join(offline);
    }).mapEmpty();
  }

  /**
   * The close code for a session that could not be opened: 4401 for a bad token, 4429 over a cap, otherwise
   * (a dependency did not answer, the open queue is full) 4503, so the client reconnects and resumes instead of
   * dropping its token.
   */
  static String reason(Throwable failure) {
    return failure == CLOSED ? "closed"
        : closeCode(failure) == CloseCodes.UNAUTHORIZED ? "unauthorized" : "could not open the session";
  }

  static short closeCode(Throwable failure) {
    if (failure instanceof ParleyException error) {
      return switch (error.code()) {
        case UNAUTHORIZED -> CloseCodes.UNAUTHORIZED;
        case RATE_LIMITED -> CloseCodes.RATE_LIMITED;
        default -> CloseCodes.GOING_AWAY;
      };
    }
    return CloseCodes.GOING_AWAY;
  }

  static ParleyException unauthorized(String message) {
    return new ParleyException(ErrorCode.UNAUTHORIZED, message);
  }

}
