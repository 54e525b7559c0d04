package dev.parley.socket;

import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.RoomActions;
import dev.parley.contract.SendRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link GatewayClient} over the event bus: requests to the rooms and persistence verticles through
 * {@link ServiceRequests} (reads and sends with a clientMsgId are re-sent when their node leaves), a bounded number of history reads at once, and last-seq reads of many sockets
 * coalesced into one request.
 */
final class EventBusGatewayClient implements GatewayClient {

  /** Persistence answers at most this many rooms' last seqs per request. */
  private static final int LAST_SEQS_PAGE = 1000;

  private final ServiceRequests requests;
  /** History reads in flight at once (gap fills and resumes); the rest queue instead of timing out. */
  private final Gate historyReads;
  /** Last-seq reads waiting for the next request, by room (see {@link #lastSeq}). */
  private final Map<String, List<Promise<Long>>> nextLastSeqs = new LinkedHashMap<>();
  private boolean lastSeqsInFlight;

  EventBusGatewayClient(Vertx vertx, SocketConfig config) {
    this.requests = new ServiceRequests(vertx, config.requestTimeoutMs());
    this.historyReads = new Gate(config.maxConcurrentHistoryReads(), config.maxWaitingHistoryReads());
  }

  /** The ids of the user's rooms (cached by the rooms verticle). */
  @Override
  public Future<List<String>> userRooms(String userId) {
    return rooms(RoomActions.USER_ROOMS, new JsonObject().put("userId", userId))
        .map(reply -> reply.getJsonArray("roomIds").stream().map(String::valueOf).toList());
  }

  @Override
  public Future<Boolean> isMember(String userId, String roomId) {
    return rooms(RoomActions.MEMBERSHIP, new JsonObject().put("userId", userId).put("roomId", roomId))
        .map(reply -> reply.getBoolean("member", false));
  }

  /** The member ids of a room the user may see ({@code GET /rooms/{id}/members}). */
  @Override
  public Future<List<String>> members(String userId, String roomId) {
    return rooms(RoomActions.MEMBERS, new JsonObject().put("userId", userId).put("roomId", roomId))
        .map(reply -> reply.getJsonArray("members").stream()
            .map(member -> String.valueOf(((JsonObject) member).getValue("userId"))).toList());
  }

  /**
   * The room's last seq (null for a room persistence does not know), read after this call. Reads of many
   * sessions are answered by one request: while one is in flight the next collects every room asked for
   * meanwhile (rooms of 50 members reconnecting together ask for the same rooms), so MySQL sees one query per
   * round trip instead of one per socket. A read joins only a request sent after it was asked for.
   */
  @Override
  public Future<Long> lastSeq(String roomId) {
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
    requests.<JsonObject>idempotent(Addresses.PERSISTENCE_ROOMS, RoomActions.LAST_SEQS,
            new JsonObject().put("roomIds", new JsonArray(new ArrayList<Object>(batch.keySet()))))
        .onComplete(reply -> {
          lastSeqsInFlight = false;
          JsonObject seqs = reply.succeeded() ? reply.result().getJsonObject("lastSeqs") : null;
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

  @Override
  public Future<JsonObject> history(String userId, String roomId, long after, int limit) {
    JsonObject request = new JsonObject().put("userId", userId).put("roomId", roomId).put("limit", limit);
    if (after >= 0) {
      request.put("after", after);
    }
    return historyReads.run(() -> requests.<JsonObject>idempotent(Addresses.PERSISTENCE_MESSAGES,
        RoomActions.HISTORY, request));
  }

  @Override
  public Future<SendRequest.Ack> send(String senderId, boolean bot, SendRequest send) {
    // Idempotent: a repeat with the same clientMsgId answers the stored message.
    return requests.<ChatMessage>idempotent(Addresses.PERSISTENCE_SEND, null, send.message(senderId, bot))
        .map(SendRequest.Ack::of);
  }

  @Override
  public Future<JsonObject> markRead(String userId, String roomId, long seq) {
    // A read marker only moves forward: repeating it changes nothing.
    return requests.idempotent(Addresses.PERSISTENCE_MESSAGES, RoomActions.READ,
        new JsonObject().put("userId", userId).put("roomId", roomId).put("seq", seq));
  }

  private Future<JsonObject> rooms(String action, JsonObject body) {
    return RoomActions.READS.contains(action) ? requests.idempotent(Addresses.ROOMS, action, body)
        : requests.request(Addresses.ROOMS, action, body);
  }
}
