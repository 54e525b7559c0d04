package dev.parley.socket;

import dev.parley.contract.SendRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What the socket gateway asks of the other verticles (rooms, persistence), behind one small interface:
 * {@link EventBusGatewayClient} over the clustered event bus in the verticle, anything else in tests.
 */
interface GatewayClient {

  /** The ids of the user's rooms. */
  Future<List<String>> userRooms(String userId);

  Future<Boolean> isMember(String userId, String roomId);

  /** The member ids of a room the user may see ({@code GET /rooms/{id}/members}). */
  Future<List<String>> members(String userId, String roomId);

  /** The room's last seq (null for a room persistence does not know), read after this call. */
  Future<Long> lastSeq(String roomId);

  /** History after a seq: {@code {messages: [ascending], hasMore, lastSeq}}. */
  Future<JsonObject> history(String userId, String roomId, long after, int limit);

  /** A durable send; the sender is always the authenticated user. */
  Future<SendRequest.Ack> send(String senderId, boolean bot, SendRequest send);

  /** Moves the user's read marker forward. */
  Future<JsonObject> markRead(String userId, String roomId, long seq);
}
