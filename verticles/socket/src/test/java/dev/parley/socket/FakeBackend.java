package dev.parley.socket;

import dev.parley.contract.Addresses;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import dev.parley.contract.RoomEvent;
import dev.parley.contract.SendMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rooms, persistence and accounts verticles as the socket verticle sees them over the event bus, in memory:
 * rooms and their members, each room's messages with gap-free seqs (a send publishes the {@code message} event
 * like persistence does), and login sessions that can be revoked. For module tests that need no MySQL.
 */
final class FakeBackend {

  private final Vertx vertx;
  final Map<String, Set<String>> members = new ConcurrentHashMap<>();
  final Map<String, List<ChatMessage>> messages = new ConcurrentHashMap<>();
  final Set<String> revokedSessions = ConcurrentHashMap.newKeySet();
  /** While set, session-status checks are held unanswered (a slow MySQL); {@link #unstall} answers them. */
  private volatile boolean stalled;
  private final List<Message<JsonObject>> held = new ArrayList<>();

  FakeBackend(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Void> start() {
    return Future.all(List.of(
        vertx.eventBus().<JsonObject>consumer(Addresses.ROOMS, this::rooms).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.PERSISTENCE_ROOMS, this::persistenceRooms).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.PERSISTENCE_MESSAGES, this::persistenceMessages).completion(),
        vertx.eventBus().<SendMessage>consumer(Addresses.PERSISTENCE_SEND, this::send).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.ACCOUNTS_SESSION_STATUS, this::sessionStatus)
            .completion())).mapEmpty();
  }

  private void sessionStatus(Message<JsonObject> message) {
    synchronized (held) {
      if (stalled) {
        held.add(message);
        return;
      }
    }
    message.reply(new JsonObject().put("active", !revokedSessions.contains(message.body().getString("sessionId"))));
  }

  void stall() {
    stalled = true;
  }

  void unstall() {
    List<Message<JsonObject>> waiting;
    synchronized (held) {
      stalled = false;
      waiting = new ArrayList<>(held);
      held.clear();
    }
    waiting.forEach(this::sessionStatus);
  }

  /** A room with these members. */
  void room(String roomId, String... userIds) {
    members.put(roomId, ConcurrentHashMap.newKeySet());
    members.get(roomId).addAll(List.of(userIds));
    messages.put(roomId, new ArrayList<>());
  }

  /** Room ids are numbers inside, like in MySQL: "05" and "+5" name room 5. */
  private boolean member(String userId, String roomId) {
    try {
      return members.getOrDefault(String.valueOf(Long.parseLong(roomId)), Set.of()).contains(userId);
    } catch (NumberFormatException notANumber) {
      return false;
    }
  }

  private void rooms(Message<JsonObject> message) {
    JsonObject body = message.body();
    String userId = body.getString("userId");
    String roomId = body.getString("roomId");
    switch (message.headers().get(Addresses.ACTION)) {
      case RoomActions.USER_ROOMS -> message.reply(new JsonObject().put("roomIds", new JsonArray(
          members.entrySet().stream().filter(room -> room.getValue().contains(userId)).map(Map.Entry::getKey)
              .map(Object.class::cast).toList())));
      case RoomActions.MEMBERSHIP -> message.reply(new JsonObject().put("member", member(userId, roomId)));
      case RoomActions.MEMBERS -> {
        if (!member(userId, roomId)) {
          fail(message, new ParleyException(ErrorCode.NOT_FOUND, "no such room"));
        } else {
          JsonArray list = new JsonArray();
          members.get(roomId).forEach(id -> list.add(new JsonObject().put("userId", id)));
          message.reply(new JsonObject().put("members", list));
        }
      }
      default -> fail(message, ParleyException.badRequest("action", "unknown action"));
    }
  }

  private void persistenceRooms(Message<JsonObject> message) {
    JsonObject seqs = new JsonObject();
    message.body().getJsonArray("roomIds").forEach(id -> {
      List<ChatMessage> room = messages.get(String.valueOf(id));
      if (room != null) {
        seqs.put(String.valueOf(id), (long) room.size());
      }
    });
    message.reply(new JsonObject().put("lastSeqs", seqs));
  }

  private void persistenceMessages(Message<JsonObject> message) {
    JsonObject body = message.body();
    String roomId = body.getString("roomId");
    if (!member(body.getString("userId"), roomId)) {
      fail(message, new ParleyException(ErrorCode.NOT_FOUND, "no such room"));
      return;
    }
    List<ChatMessage> room = messages.get(roomId);
    if (RoomActions.READ.equals(message.headers().get(Addresses.ACTION))) {
      message.reply(new JsonObject());
      return;
    }
    long after = body.getLong("after", 0L);
    int limit = body.getInteger("limit", 50);
    JsonArray page = new JsonArray();
    synchronized (room) {
      room.stream().filter(m -> m.seq() > after).limit(limit).forEach(m -> page.add(m.toJson()));
      message.reply(new JsonObject().put("messages", page)
          .put("hasMore", room.stream().filter(m -> m.seq() > after).count() > limit).put("lastSeq", room.size()));
    }
  }

  private void send(Message<SendMessage> request) {
    SendMessage send = request.body();
    if (!member(send.senderId(), send.roomId())) {
      fail(request, new ParleyException(ErrorCode.NOT_FOUND, "no such room"));
      return;
    }
    List<ChatMessage> room = messages.get(send.roomId());
    ChatMessage stored;
    synchronized (room) {
      ChatMessage earlier = room.stream().filter(m -> m.senderId().equals(send.senderId())
          && send.clientMsgId().equals(m.clientMsgId())).findFirst().orElse(null);
      if (earlier != null) {
        request.reply(earlier);
        return;
      }
      long seq = room.size() + 1;
      stored = new ChatMessage(ChatMessage.idOf(send.roomId(), seq), send.roomId(), seq, send.senderId(),
          send.text(), System.currentTimeMillis(), send.clientMsgId(), send.replyTo(), null, false);
      room.add(stored);
    }
    request.reply(stored);
    vertx.eventBus().publish(Addresses.room(send.roomId()),
        RoomEvent.of(send.roomId(), RoomEvent.MESSAGE, stored.seq(), stored.toJson()));
  }

  private static void fail(Message<?> message, ParleyException error) {
    error.failReply(message);
  }
}
