package dev.parley.loadgen;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * scripts/chaos's verdict, read through the REST API after the faults: per room, the stored stream is seq 1..n
 * with no hole and no repeat; every acknowledged send is stored exactly once, at the seq and with the message id
 * of its ack; nothing is stored twice for one client message id; and every client ended with every message of
 * its room (the message id it saw at each seq is the stored one).
 */
final class StoreVerifier {

  private final HistoryReader history;

  StoreVerifier(WebClient web, Options options) {
    this.history = new HistoryReader(web, options.target(0));
  }

  /** Verifies every room of the run; the counts of each check, and {@code passed}. */
  Future<JsonObject> verify(Map<Setup.Room, List<ReliableClient>> rooms) {
    JsonObject counts = new JsonObject();
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<Setup.Room, List<ReliableClient>> room : rooms.entrySet()) {
      chain = chain.compose(v -> history.read(room.getKey(), room.getValue().get(0).user, 0, Long.MAX_VALUE))
          .map(stored -> {
            check(stored, room.getValue(), counts);
            return null;
          });
    }
    return chain.map(v -> {
      boolean passed = counts.getLong("holes", 0L) == 0 && counts.getLong("repeats", 0L) == 0
          && counts.getLong("ackedMissing", 0L) == 0 && counts.getLong("ackedMismatched", 0L) == 0
          && counts.getLong("storedTwice", 0L) == 0 && counts.getLong("receiverMissing", 0L) == 0
          && counts.getLong("receiverWrongId", 0L) == 0 && counts.getLong("conflictingAcks", 0L) == 0
          && counts.getLong("repeatsOnOneConnection", 0L) == 0 && counts.getLong("unackedAtEnd", 0L) == 0;
      return counts.put("rooms", rooms.size()).put("passed", passed);
    });
  }

  private static void check(List<JsonObject> stored, List<ReliableClient> clients, JsonObject counts) {
    Map<Long, JsonObject> bySeq = new HashMap<>();
    Map<String, Integer> byClientMsgId = new HashMap<>();
    long repeats = 0;
    long maxSeq = 0;
    for (JsonObject message : stored) {
      long seq = message.getLong("seq");
      if (bySeq.put(seq, message) != null) {
        repeats++;
      }
      maxSeq = Math.max(maxSeq, seq);
      String clientMsgId = message.getString("clientMsgId");
      if (clientMsgId != null) {
        byClientMsgId.merge(clientMsgId, 1, Integer::sum);
      }
    }
    add(counts, "stored", stored.size());
    add(counts, "repeats", repeats);
    add(counts, "holes", maxSeq - bySeq.size());
    add(counts, "storedTwice", byClientMsgId.values().stream().filter(n -> n > 1).count());
    long ackedTotal = 0;
    for (ReliableClient client : clients) {
      for (Map.Entry<String, Outbox.Ack> ack : client.outbox.acked.entrySet()) {
        ackedTotal++;
        JsonObject at = bySeq.get(ack.getValue().seq());
        if (at == null) {
          add(counts, "ackedMissing", 1);
        } else if (!ack.getKey().equals(at.getString("clientMsgId")) || !ack.getValue().msgId().equals(at.getString("id"))) {
          add(counts, "ackedMismatched", 1);
        }
        byClientMsgId.remove(ack.getKey());
      }
      long missing = 0;
      long wrongId = 0;
      for (long seq = 1; seq <= maxSeq; seq++) {
        String seenId = client.seenIds.get(seq);
        JsonObject at = bySeq.get(seq);
        if (seenId == null) {
          missing += at == null ? 0 : 1;
        } else if (at != null && !seenId.equals(at.getString("id"))) {
          wrongId++;
        }
      }
      add(counts, "receivers", 1);
      add(counts, "receiverMissing", missing);
      add(counts, "receiverWrongId", wrongId);
      add(counts, "receiverDeliveries", client.seen.cardinality());
      add(counts, "repeatsOnOneConnection", client.repeatsOnOneConnection);
      add(counts, "conflictingAcks", client.outbox.conflictingAcks);
      add(counts, "unackedAtEnd", client.pendingCount());
    }
    add(counts, "acked", ackedTotal);
    // Stored with a client message id of the run that no ack ever confirmed (a send whose ack was lost and
    // that the client gave up on would show here; this client never gives up, so it is expected to be 0).
    add(counts, "storedUnacked", byClientMsgId.size());
  }

  private static void add(JsonObject counts, String key, long value) {
    counts.put(key, counts.getLong(key, 0L) + value);
  }
}
