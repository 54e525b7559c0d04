package dev.parley.loadgen;

import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sends of one {@link ReliableClient} until they are acknowledged: every send keeps its id and is written
 * again with the same id after a reconnect, after an error (with a short backoff and jitter) and when no answer
 * came within the ack timeout (doubling with each attempt); what its user "types" while offline is queued.
 * Records the acknowledgements for StoreVerifier. Confined to the event loop of its client, but for the gauges.
 */
final class Outbox {

  /** The acknowledgement of a send: where the server stored it. */
  record Ack(long seq, String msgId) {
  }

  private static final class Pending {
    final String text;
    final long firstSentNanos;
    /** When it is sent again if no ack came. */
    long resendAtNanos;
    int attempts;

    Pending(String text, long now) {
      this.text = text;
      this.firstSentNanos = now;
      this.resendAtNanos = now;
    }
  }

  private final String username;
  private final String roomId;
  private final Options options;
  private final Timeline timeline;
  private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
  /** Acknowledged sends by client message id. */
  final Map<String, Ack> acked = new HashMap<>();
  /** The same client message id acknowledged at two different seqs. */
  long conflictingAcks;
  private volatile int pendingCount;
  private volatile long oldestPendingNanos;
  private long counter;

  Outbox(String username, String roomId, Options options, Timeline timeline) {
    this.username = username;
    this.roomId = roomId;
    this.options = options;
    this.timeline = timeline;
  }

  /** Read from other threads (the timeline, the end of the run). */
  int pendingCount() {
    return pendingCount;
  }

  long oldestPendingNanos(long now) {
    long first = oldestPendingNanos;
    return first == 0 ? 0 : now - first;
  }

  /** A new connection is ready: every unacknowledged send is written on it. */
  void resendAll(WebSocket socket) {
    for (Map.Entry<String, Pending> unacked : pending.entrySet()) {
      resend(socket, unacked.getKey(), unacked.getValue());
    }
  }

  /** Writes again the sends whose ack is overdue or whose error backoff is over. */
  void resendDue(WebSocket socket, long now) {
    for (Map.Entry<String, Pending> unacked : pending.entrySet()) {
      if (now >= unacked.getValue().resendAtNanos) {
        resend(socket, unacked.getKey(), unacked.getValue());
      }
    }
  }

  /** The next message, if fewer than maxInFlight are unacknowledged: written on {@code socket}, or queued without one. */
  void sendNext(WebSocket socket, long now) {
    if (pending.size() < options.maxInFlight()) {
      String id = username + "-" + counter++;
      Pending send = new Pending("chaos " + id, now);
      pending.put(id, send);
      timeline.sent.increment();
      if (socket != null) {
        write(socket, id, send);
      }
    }
  }

  /** An error frame: the send it names is written again by resendDue after a short backoff with jitter. */
  void onError(String id, String code) {
    Pending failed = id == null ? null : pending.get(id);
    if (failed != null) {
      timeline.error(code);
      failed.resendAtNanos = System.nanoTime() + (250 + ThreadLocalRandom.current().nextLong(500)) * 1_000_000L;
    }
  }

  void onAck(String id, Long seq, String msgId) {
    Pending done = pending.remove(id);
    Ack previous = acked.get(id);
    if (previous != null && previous.seq() != seq) {
      conflictingAcks++;
    }
    if (done != null) {
      acked.put(id, new Ack(seq, msgId));
      timeline.ack((System.nanoTime() - done.firstSentNanos) / 1000);
    }
    gauges();
  }

  private void resend(WebSocket socket, String id, Pending send) {
    if (send.attempts > 0) {
      timeline.resent.increment();
    }
    write(socket, id, send);
  }

  private void write(WebSocket socket, String id, Pending send) {
    send.attempts++;
    // The wait for an ack doubles with each attempt (up to 8 times the ack timeout): a slow server is not
    // answered with a storm of re-sends.
    send.resendAtNanos = System.nanoTime() + (options.ackTimeoutMs() * 1_000_000L << Math.min(3, send.attempts - 1));
    socket.writeTextMessage(new JsonObject().put("type", "send").put("id", id).put("room", roomId)
        .put("text", send.text).encode());
  }

  void gauges() {
    pendingCount = pending.size();
    oldestPendingNanos = pending.isEmpty() ? 0 : pending.values().iterator().next().firstSentNanos;
  }
}
