package dev.parley.socket;

import dev.parley.contract.Addresses;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.RoomActions;
import dev.parley.contract.RoomEvent;
import dev.parley.contract.SendMessage;
import dev.parley.contract.UserEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  private final DeliveryOptions requests;
  private final Map<String, Session> sessions = new HashMap<>();
  private final Map<String, Set<Session>> byUser = new HashMap<>();
  private final Map<String, RoomChannel> channels = new HashMap<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /** Last-seq reads waiting for the next request, by room (see {@link #lastSeq}). */
  private final Map<String, List<Promise<Long>>> nextLastSeqs = new LinkedHashMap<>();
  private boolean lastSeqsInFlight;
  /** History reads in flight at once (gap fills and resumes); the rest queue instead of timing out. */
  private final Gate historyReads;
  /** Persistence answers at most this many rooms' last seqs per request. */
  private static final int LAST_SEQS_PAGE = 1000;

  /** A room followed by local sessions: its clustered consumer and who gets its events. */
  private static final class RoomChannel {
    final Set<Session> sessions = new HashSet<>();
    MessageConsumer<RoomEvent> consumer;
    Future<Void> ready;
  }

  SessionHub(Vertx vertx, SocketConfig config, SocketMetrics metrics, Presence presence, SocketAuth auth) {
    this.vertx = vertx;
    this.auth = auth;
    this.config = config;
    this.metrics = metrics;
    this.presence = presence;
    this.requests = new DeliveryOptions().setSendTimeout(config.requestTimeoutMs());
    this.historyReads = new Gate(config.maxConcurrentHistoryReads());
  }

  Future<Void> start() {
    MessageConsumer<UserEvent> users = vertx.eventBus().consumer(Addresses.USER_EVENTS, this::onUserEvent);
    MessageConsumer<JsonObject> revoked = vertx.eventBus().consumer(Addresses.SESSION_REVOKED, message ->
        closeLoginSession(message.body().getString("sessionId")));
    consumers.add(users);
    consumers.add(revoked);
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

  /** The ids of the user's rooms (cached by the rooms verticle). */
  Future<List<String>> userRooms(String userId) {
    return rooms(RoomActions.USER_ROOMS, new JsonObject().put("userId", userId))
        .map(reply -> reply.getJsonArray("roomIds").stream().map(String::valueOf).toList());
  }

  Future<Boolean> isMember(String userId, String roomId) {
    return rooms(RoomActions.MEMBERSHIP, new JsonObject().put("userId", userId).put("roomId", roomId))
        .map(reply -> reply.getBoolean("member", false));
  }

  /** The member ids of a room the user may see ({@code GET /rooms/{id}/members}). */
  Future<List<String>> members(String userId, String roomId) {
    return rooms(RoomActions.MEMBERS, new JsonObject().put("userId", userId).put("roomId", roomId))
        .map(reply -> reply.getJsonArray("members").stream()
            .map(member -> String.valueOf(((JsonObject) member).getValue("userId"))).toList());
  }

  /**
   * Where each room's stream starts for a new session: its last seq, read after the session's consumers are
   * registered. A subscription reaches the other nodes a little later than it is registered here, so an event
   * published in between can miss this node; a later message then shows the hole, which is read from history.
   */
  Future<Void> startCursors(Session session, List<String> roomIds) {
    List<Future<Void>> starts = new ArrayList<>();
    for (String roomId : roomIds) {
      RoomCursor fresh = session.rooms.get(roomId);
      if (fresh == null || fresh.last >= 0) {
        continue;
      }
      starts.add(lastSeq(roomId).map(seq -> {
        RoomCursor cursor = session.rooms.get(roomId);
        if (seq != null && cursor != null && cursor.last < 0 && cursor.pending.isEmpty()) {
          cursor.last = seq;
          cursor.start = seq;
        }
        return null;
      }));
    }
    return Future.join(starts).mapEmpty();
  }

  /**
   * The room's last seq (null for a room persistence does not know), read after this call. Reads of many
   * sessions are answered by one request: while one is in flight the next collects every room asked for
   * meanwhile (rooms of 50 members reconnecting together ask for the same rooms), so MySQL sees one query per
   * round trip instead of one per socket. A read joins only a request sent after it was asked for.
   */
  private Future<Long> lastSeq(String roomId) {
    Promise<Long> seq = Promise.promise();
    nextLastSeqs.computeIfAbsent(roomId, id -> new ArrayList<>()).add(seq);
    readLastSeqs();
    return seq.future();
  }

  private void readLastSeqs() {
    if (lastSeqsInFlight || nextLastSeqs.isEmpty()) {
      return;
    }
    Map<String, List<Promise<Long>>> batch = new HashMap<>();
    for (var rooms = nextLastSeqs.entrySet().iterator(); rooms.hasNext() && batch.size() < LAST_SEQS_PAGE; ) {
      var room = rooms.next();
      batch.put(room.getKey(), room.getValue());
      rooms.remove();
    }
    lastSeqsInFlight = true;
    vertx.eventBus().<JsonObject>request(Addresses.PERSISTENCE_ROOMS,
            new JsonObject().put("roomIds", new JsonArray(new ArrayList<Object>(batch.keySet()))),
            new DeliveryOptions(requests).addHeader(Addresses.ACTION, RoomActions.LAST_SEQS))
        .onComplete(reply -> {
          lastSeqsInFlight = false;
          JsonObject seqs = reply.succeeded() ? reply.result().body().getJsonObject("lastSeqs") : null;
          batch.forEach((roomId, waiting) -> waiting.forEach(seq -> {
            if (seqs == null) {
              seq.fail(reply.cause());
            } else {
              seq.complete(seqs.getValue(roomId) instanceof Number number ? number.longValue() : null);
            }
          }));
          readLastSeqs();
        });
  }

  /** Starts delivering the room's events to the session; completes once the room's consumer is registered. */
  Future<Void> follow(Session session, String roomId) {
    if (session.closed) {
      return Future.succeededFuture();
    }
    session.rooms.computeIfAbsent(roomId, id -> new RoomCursor());
    RoomChannel channel = channels.get(roomId);
    if (channel == null) {
      RoomChannel created = new RoomChannel();
      created.consumer = vertx.eventBus().consumer(Addresses.room(roomId), message -> deliver(created, message));
      created.ready = created.consumer.completion();
      channels.put(roomId, created);
      channel = created;
    }
    channel.sessions.add(session);
    return channel.ready;
  }

  void unfollow(Session session, String roomId) {
    session.rooms.remove(roomId);
    RoomChannel channel = channels.get(roomId);
    if (channel != null && channel.sessions.remove(session) && channel.sessions.isEmpty()) {
      channels.remove(roomId);
      channel.consumer.unregister();
    }
  }

  private void deliver(RoomChannel channel, Message<RoomEvent> message) {
    RoomEvent event = message.body();
    if (RoomEvent.MESSAGE.equals(event.type())) {
      metrics.deliveryLatency(event.frame());
    }
    String address = Addresses.room(event.roomId());
    Frame frame = new Frame(event.frame());
    for (Session session : new ArrayList<>(channel.sessions)) {
      session.onRoomEvent(event, address, frame);
    }
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
        follow(session, event.roomId()).compose(followed -> startCursors(session, List.of(event.roomId())));
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
      if (session.claims.sessionId().equals(loginSessionId)) {
        session.close(CloseCodes.UNAUTHORIZED, "session revoked");
      }
    }
  }

  Future<JsonObject> history(String userId, String roomId, long after, int limit) {
    JsonObject request = new JsonObject().put("userId", userId).put("roomId", roomId).put("limit", limit);
    if (after >= 0) {
      request.put("after", after);
    }
    return historyReads.run(() -> vertx.eventBus().<JsonObject>request(Addresses.PERSISTENCE_MESSAGES, request,
        new DeliveryOptions(requests).addHeader(Addresses.ACTION, RoomActions.HISTORY)).map(Message::body));
  }

  /** A durable send; the sender is always the authenticated user. -> the ack fields. */
  Future<JsonObject> send(Session session, String roomId, String clientMsgId, String text, Long replyTo,
      List<String> attachments) {
    SendMessage send = new SendMessage(roomId, session.userId(), clientMsgId, text, replyTo, attachments);
    return vertx.eventBus().<ChatMessage>request(Addresses.PERSISTENCE_SEND, send, requests).map(reply -> {
      ChatMessage message = reply.body();
      return new JsonObject().put("room", message.roomId()).put("seq", message.seq()).put("msgId", message.id())
          .put("ts", message.ts());
    });
  }

  Future<JsonObject> markRead(Session session, String roomId, long seq) {
    return vertx.eventBus().<JsonObject>request(Addresses.PERSISTENCE_MESSAGES,
        new JsonObject().put("userId", session.userId()).put("roomId", roomId).put("seq", seq),
        new DeliveryOptions(requests).addHeader(Addresses.ACTION, RoomActions.READ)).map(Message::body);
  }

  void publishTyping(Session session, String roomId) {
    vertx.eventBus().publish(Addresses.room(roomId), RoomEvent.by(session.userId(), roomId, RoomEvent.TYPING,
        new JsonObject().put("room", roomId).put("userId", session.userId())));
  }

  private Future<JsonObject> rooms(String action, JsonObject body) {
    return vertx.eventBus().<JsonObject>request(Addresses.ROOMS, body,
        new DeliveryOptions(requests).addHeader(Addresses.ACTION, action)).map(Message::body);
  }

  Future<Void> stop() {
    List<Future<Void>> unregistered = new ArrayList<>();
    consumers.forEach(consumer -> unregistered.add(consumer.unregister()));
    channels.values().forEach(channel -> unregistered.add(channel.consumer.unregister()));
    channels.clear();
    return Future.join(unregistered).mapEmpty();
  }
}
