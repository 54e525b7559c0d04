package dev.parley.socket;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * One socket's stream of one room's {@code message} events: in seq order, without holes and without repeats,
 * whatever order the events arrive in, and however late a {@code resume} comes. No sockets here: what to send
 * goes to a {@link Sink}, history is read through {@link History}, and time comes from a {@link Timers}, so
 * every interleaving can be tested with fakes. Event-loop confined.
 *
 * <p>The rules:
 * <ul>
 *   <li><b>hold</b>: a new WebSocket holds live messages until its first frame or the grace ends, so a replayed
 *       backlog comes before the live messages above it;</li>
 *   <li><b>order</b>: a message past a hole waits while the hole is read from history ({@code fill});</li>
 *   <li><b>fill</b>: a read that fails is retried with backoff (another node may answer); if it still fails the
 *       client is told with a {@code gap} frame {@code {room, after, next}} before the messages above the
 *       hole, never left to discover the hole itself;</li>
 *   <li><b>resume</b> (position p): if nothing was sent yet, the messages after p are replayed, then what was
 *       held; if messages were already sent from position s (the grace ran out first) and p is below s, the
 *       missed ones can no longer come in order: {@code recovered: false} (reload through REST), never a
 *       late, out-of-order or repeated replay.</li>
 * </ul>
 */
final class RoomStream {

  /** Where frames go: the socket. */
  interface Sink {
    void send(Frame frame);
  }

  /** The room's history after a seq: {@code {messages: [ascending], hasMore, lastSeq}}. */
  interface History {
    Future<JsonObject> after(long seq, int limit);
  }

  /** Delayed tasks (a fake clock in tests, Vert.x timers in the verticle). */
  interface Timers {
    void schedule(long delayMs, Runnable task);
  }

  /** What a resume found: whether the client has every message up to {@code lastSeq} now. */
  record Resumed(boolean recovered, long lastSeq) {
    JsonObject toJson() {
      return new JsonObject().put("recovered", recovered).put("lastSeq", lastSeq);
    }
  }

  /** History pages are at most this long (persistence's limit). */
  static final int PAGE = 200;
  /**
   * History reads of one fill: the first and this many retries, waiting 100 ms, 400 ms, 1.6 s, 6.4 s between
   * (8.5 s in all: longer than a core node's failover, which took up to 2.8 s in the fault battery).
   */
  static final int RETRIES = 4;

  private final String roomId;
  private final Sink sink;
  private final History history;
  private final Timers timers;
  private final int resumeWindow;

  /** The last seq sent (or known to the client); -1 until known. */
  private long last = -1;
  /** The room's last seq read right after subscribing (-1 until known). */
  private long start = -1;
  /** {@code last} when the first frame of this stream was sent (-1: nothing sent yet). */
  private long sentFrom = -1;
  private boolean holding;
  private boolean closed;
  /** Messages above a hole (or held), by seq. */
  private final TreeMap<Long, Frame> pending = new TreeMap<>();
  /** The fill in progress (null when none): a resume waits for it before it decides. */
  private Future<Boolean> filling;

  RoomStream(String roomId, boolean holding, Sink sink, History history, Timers timers, int resumeWindow) {
    this.roomId = roomId;
    this.holding = holding;
    this.sink = sink;
    this.history = history;
    this.timers = timers;
    this.resumeWindow = resumeWindow;
  }

  String roomId() {
    return roomId;
  }

  long last() {
    return last;
  }

  /** Stops everything: the socket closed or left the room. */
  void close() {
    closed = true;
    pending.clear();
  }

  /**
   * The room's last seq, read after this stream's subscription was in place: a fresh stream begins there (a
   * message published just before the subscription reached every node then shows as a hole and is read).
   */
  void started(long lastSeq) {
    if (closed || last >= 0) {
      return;
    }
    start = lastSeq;
    last = pending.isEmpty() ? lastSeq : Math.min(lastSeq, pending.firstKey() - 1);
    if (!holding) {
      drainOrFill();
    }
  }

  /** A live message event. */
  void onMessage(long seq, Frame frame) {
    if (closed || last >= 0 && seq <= last) {
      return;
    }
    if (seq == last + 1 && !holding && filling == null && pending.isEmpty()) {
      // The common case, once per recipient of every message: no map, no allocation.
      emit(seq, frame);
      return;
    }
    pending.put(seq, frame);
    if (!holding && last >= 0) {
      drainOrFill();
    }
  }

  /** The hold ends without a resume: what was held goes out in order, holes filled. */
  void release() {
    if (closed || !holding) {
      return;
    }
    holding = false;
    if (last < 0 && !pending.isEmpty()) {
      // The start was not read yet: begin at the first message that came.
      last = pending.firstKey() - 1;
    }
    if (last >= 0) {
      drainOrFill();
    }
  }

  /**
   * The client has seen every message up to {@code position}: send the ones after it in order (then what was
   * held), or say it cannot be done in order ({@code recovered: false}).
   */
  Future<Resumed> resume(long position) {
    holding = false;
    if (filling != null) {
      // Decide on what the fill in progress will have sent.
      return filling.transform(done -> resume(position));
    }
    long seen = Math.max(0, position);
    if (closed) {
      return Future.succeededFuture(new Resumed(false, Math.max(0, last)));
    }
    if (sentFrom >= 0) {
      // Frames went out from sentFrom on: the client has them, and anything below sentFrom it must have had.
      return Future.succeededFuture(new Resumed(seen >= sentFrom, Math.max(0, last)));
    }
    if (start >= 0 && seen >= start) {
      // It had everything when this socket subscribed: only what came since, no history read.
      last = Math.max(last, seen);
      pending.headMap(last, true).clear();
      if (pending.isEmpty() || pending.firstKey() == last + 1) {
        drain();
        return Future.succeededFuture(new Resumed(true, last));
      }
    } else {
      last = seen;
      pending.headMap(last, true).clear();
    }
    return fill(seen).map(recovered -> {
      if (!recovered) {
        // Too far behind: the client reloads through REST; what is live flows from here.
        skipTo();
      }
      return new Resumed(recovered, Math.max(0, last));
    });
  }

  private void drainOrFill() {
    drain();
    if (!pending.isEmpty() && filling == null) {
      fill(last).onSuccess(filled -> {
        if (!filled) {
          gapThenSkip();
        }
      });
    }
  }

  /** Sends pending messages that follow {@code last} without a hole. */
  private void drain() {
    while (!pending.isEmpty() && !closed) {
      Map.Entry<Long, Frame> next = pending.firstEntry();
      if (next.getKey() <= last) {
        pending.pollFirstEntry();
      } else if (next.getKey() == last + 1) {
        pending.pollFirstEntry();
        emit(next.getKey(), next.getValue());
      } else {
        return;
      }
    }
  }

  private void emit(long seq, Frame frame) {
    if (sentFrom < 0) {
      sentFrom = last;
    }
    last = seq;
    sink.send(frame);
  }

  /**
   * Reads history after {@code last} until the pending messages follow without a hole: true when done, false
   * when the room is more than the resume window past {@code from} or history could not be read at all.
   */
  private Future<Boolean> fill(long from) {
    Promise<Boolean> done = Promise.promise();
    Future<Boolean> fill = done.future();
    filling = fill;
    readPage(from, 0, done);
    return fill.andThen(result -> filling = null);
  }

  private void readPage(long from, int attempt, Promise<Boolean> done) {
    long after = Math.max(0, last);
    history.after(after, PAGE).onComplete(read -> {
      if (closed) {
        done.tryComplete(false);
        return;
      }
      if (read.failed()) {
        if (attempt < RETRIES) {
          timers.schedule(100L << (2 * attempt), () -> readPage(from, attempt + 1, done));
        } else {
          done.tryComplete(false);
        }
        return;
      }
      JsonObject page = read.result();
      if (page.getLong("lastSeq", 0L) - from > resumeWindow) {
        done.tryComplete(false);
        return;
      }
      JsonArray messages = page.getJsonArray("messages", new JsonArray());
      for (int i = 0; i < messages.size() && !closed; i++) {
        JsonObject message = messages.getJsonObject(i);
        long seq = message.getLong("seq");
        if (seq == last + 1 || last < 0) {
          pending.remove(seq);
          emit(seq, new Frame(message.copy().put("type", "message").encode()));
        }
      }
      boolean progressed = last > after;
      drain();
      if (page.getBoolean("hasMore", false) && progressed) {
        readPage(from, 0, done);
      } else if (pending.isEmpty()) {
        done.tryComplete(true);
      } else if (progressed) {
        // Committed after the read: read again.
        readPage(from, 0, done);
      } else if (attempt < RETRIES) {
        // History does not have the hole (yet): like a failed read, try again a little later.
        timers.schedule(100L << (2 * attempt), () -> readPage(from, attempt + 1, done));
      } else {
        done.tryComplete(false);
      }
    });
  }

  /** The hole could not be filled: tell the client which seqs it misses, then go on above the hole. */
  private void gapThenSkip() {
    if (closed || pending.isEmpty()) {
      return;
    }
    long next = pending.firstKey();
    sink.send(new Frame(new JsonObject().put("type", "gap").put("room", roomId).put("after", last)
        .put("next", next).encode()));
    skipTo();
  }

  /** Goes on from the first pending message (the client was told it misses the ones before). */
  private void skipTo() {
    if (!pending.isEmpty()) {
      last = pending.firstKey() - 1;
      drainOrFill();
    }
  }
}
