package dev.parley.socket;

import dev.parley.contract.Addresses;
import dev.parley.contract.RoomEvent;
import dev.parley.contract.UserEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The sessions of one socket verticle instance and how events reach them. A room's events arrive through one
 * clustered consumer per room that has local sessions (registered with the first, dropped with the last);
 * user events and session revocations through one consumer each for the whole instance. So the cluster holds
 * registrations per room and per instance, never per connection or per user.
 */
final class SessionHub {

  final Vertx vertx;
  final SocketConfig config;
  final SocketMetrics metrics;
  final Presence presence;
  final SocketAuth auth;
  final PresenceVisibility visibility;
  /** The other verticles. */
  final GatewayClient client;
  private final Map<String, Session> sessions = new HashMap<>();
  private final Map<String, Set<Session>> byUser = new HashMap<>();
  private final Map<String, RoomChannel> channels = new HashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long reportTimer = -1;

  /** A room followed by local sessions: its clustered consumer and who gets its events. */
  private static final class RoomChannel {
    final Set<Session> sessions = new LinkedHashSet<>();
    MessageConsumer<RoomEvent> consumer;
    Future<Void> ready;
    /**
     * The followers and their streams of this room as arrays, rebuilt on the first event after a follow or an
     * unfollow (null until then): a message's fan-out walks an array, with no per-recipient map lookup or copy.
     */
    private Session[] members;
    private RoomStream[] streams;

    void changed() {
      members = null;
      streams = null;
    }

    Session[] members() {
      if (members == null) {
        members = sessions.toArray(new Session[0]);
      }
      return members;
    }

    RoomStream[] streams(String roomId) {
      if (streams == null) {
        streams = sessions.stream().map(session -> session.rooms.get(roomId)).filter(Objects::nonNull)
            .toArray(RoomStream[]::new);
      }
      return streams;
    }
  }

  SessionHub(Vertx vertx, SocketConfig config, SocketMetrics metrics, Presence presence, SocketAuth auth,
      PresenceVisibility visibility, GatewayClient client) {
    this.vertx = vertx;
    this.visibility = visibility;
    this.auth = auth;
    this.config = config;
    this.metrics = metrics;
    this.presence = presence;
    this.client = client;
  }

  Future<Void> start() {
    MessageConsumer<UserEvent> users = vertx.eventBus().consumer(Addresses.USER_EVENTS, this::onUserEvent);
    MessageConsumer<JsonObject> revoked = vertx.eventBus().consumer(Addresses.SESSION_REVOKED, message ->
        closeLoginSession(message.body().getString("sessionId")));
    consumers.add(users);
    consumers.add(revoked);
    reportTimer = vertx.setPeriodic(1000, tick -> metrics.reportDelivered());
    return Future.all(users.completion(), revoked.completion()).mapEmpty();
  }

  int size() {
    return sessions.size();
  }

  List<Session> all() {
    return new ArrayList<>(sessions.values());
  }

  int localConnections(String userId) {
    return byUser.getOrDefault(userId, Set.of()).size();
  }

  void add(Session session) {
    sessions.put(session.id, session);
    byUser.computeIfAbsent(session.userId(), id -> new HashSet<>()).add(session);
    metrics.opened();
  }

  void remove(Session session) {
    session.forget();
    if (sessions.remove(session.id) == null) {
      return;
    }
    Set<Session> mine = byUser.get(session.userId());
    if (mine != null && mine.remove(session) && mine.isEmpty()) {
      byUser.remove(session.userId());
    }
    for (String roomId : new ArrayList<>(session.roomIds())) {
      unfollow(session, roomId);
    }
    metrics.closed();
  }

  /**
   * Where each room's stream starts for a new session: its last seq, read after the session's consumers are
   * registered. A subscription reaches the other nodes a little later than it is registered here, so an event
   * published in between can miss this node; a later message then shows the hole, which is read from history.
   */
  Future<Void> startStreams(Session session, List<String> roomIds) {
    List<Future<Void>> starts = new ArrayList<>();
    for (String roomId : roomIds) {
      RoomStream fresh = session.rooms.get(roomId);
      if (fresh == null || fresh.last() >= 0) {
        continue;
      }
      starts.add(client.lastSeq(roomId).map(seq -> {
        RoomStream stream = session.rooms.get(roomId);
        if (seq != null && stream != null) {
          stream.started(seq);
        }
        return null;
      }));
    }
    return Future.join(starts).mapEmpty();
  }

  /** Starts delivering the room's events to the session; completes once the room's consumer is registered. */
  Future<Void> follow(Session session, String roomId) {
    if (session.closed) {
      return Future.succeededFuture();
    }
    session.rooms.computeIfAbsent(roomId, session::newStream);
    RoomChannel channel = channels.get(roomId);
    if (channel == null) {
      RoomChannel created = new RoomChannel();
      created.consumer = vertx.eventBus().consumer(Addresses.room(roomId), message -> deliver(created, message));
      created.ready = created.consumer.completion();
      channels.put(roomId, created);
      channel = created;
    }
    if (channel.sessions.add(session)) {
      channel.changed();
    }
    return channel.ready;
  }

  void unfollow(Session session, String roomId) {
    RoomStream stream = session.rooms.remove(roomId);
    if (stream != null) {
      stream.close();
    }
    RoomChannel channel = channels.get(roomId);
    if (channel != null && channel.sessions.remove(session)) {
      channel.changed();
      if (channel.sessions.isEmpty()) {
        channels.remove(roomId);
        channel.consumer.unregister();
      }
    }
  }

  private void deliver(RoomChannel channel, Message<RoomEvent> message) {
    RoomEvent event = message.body();
    Frame frame = new Frame(event.frame());
    if (RoomEvent.MESSAGE.equals(event.type())) {
      metrics.deliveryLatency(event.frame());
      // Each follower's stream orders, holds or fills (a stream closes when its session leaves the room).
      for (RoomStream stream : channel.streams(event.roomId())) {
        stream.onMessage(event.seq(), frame);
      }
    } else {
      String address = Addresses.room(event.roomId());
      for (Session session : channel.members()) {
        session.onRoomEvent(event, address, frame);
      }
    }
    metrics.reportDelivered();
  }

  /** Membership changes follow the user's sockets; then the event itself is delivered to them. */
  private void onUserEvent(Message<UserEvent> message) {
    UserEvent event = message.body();
    Set<Session> local = byUser.get(event.userId());
    if (local == null) {
      return;
    }
    for (Session session : new ArrayList<>(local)) {
      if (event.roomId() != null && RoomEvent.MEMBER_JOINED.equals(event.type()) && session.followsAllRooms()) {
        follow(session, event.roomId()).compose(followed -> startStreams(session, List.of(event.roomId())));
      }
      session.onUserEvent(event);
      if (event.roomId() != null
          && (RoomEvent.MEMBER_LEFT.equals(event.type()) || RoomEvent.ROOM_DELETED.equals(event.type()))) {
        // A kicked user receives nothing more from the room, on any transport.
        unfollow(session, event.roomId());
      }
    }
  }

  private void closeLoginSession(String loginSessionId) {
    for (Session session : all()) {
      if (session.claims().sessionId().equals(loginSessionId)) {
        session.close(CloseCodes.UNAUTHORIZED, "session revoked");
      }
    }
  }

  void publishTyping(Session session, String roomId) {
    vertx.eventBus().publish(Addresses.room(roomId), RoomEvent.by(session.userId(), roomId, RoomEvent.TYPING,
        new JsonObject().put("room", roomId).put("userId", session.userId())));
  }

  Future<Void> stop() {
    vertx.cancelTimer(reportTimer);
    metrics.reportDelivered();
    List<Future<Void>> unregistered = new ArrayList<>();
    consumers.forEach(consumer -> unregistered.add(consumer.unregister()));
    channels.values().forEach(channel -> unregistered.add(channel.consumer.unregister()));
    channels.clear();
    return Future.join(unregistered).mapEmpty();
  }
}
