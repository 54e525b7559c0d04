package dev.parley.persistence;

import dev.parley.contract.Addresses;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomEvent;
import dev.parley.contract.RoomStanding;
import dev.parley.contract.SendMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Group commit for sends. Concurrent sends queue up and are written together: one transaction locks the rooms
 * involved, checks membership and idempotency, assigns each new message the next seq of its room, inserts them
 * all with one multi-row INSERT and advances the rooms' last_seq. Each sender is answered after the commit, so
 * an acknowledged message is durable and its seq is final.
 *
 * <p>Everything here runs on the owning verticle's event loop: the queue needs no locks. Memory is bounded by
 * {@link SendConfig#maxQueued()}; a send that waits longer than {@link SendConfig#sendTimeoutMs()} fails with
 * {@code unavailable} and is never acknowledged.
 */
final class SendBatcher {

  /** InnoDB deadlock and lock wait timeout: the batch is retried as a whole. */
  private static final Set<Integer> RETRYABLE = Set.of(1213, 1205);
  private static final int MAX_ATTEMPTS = 3;
  private static final int DUPLICATE_KEY = 1062;

  private static final String LOCK_ROOMS =
      "SELECT id, last_seq, visibility, slow_mode_seconds FROM rooms WHERE deleted_at IS NULL AND id IN (%s)"
          + " ORDER BY id FOR UPDATE";
  /**
   * Rooms x senders, filtered to the real pairs in Java: a plain primary-key range, cheap to plan. Roles and last
   * send times only when a room of the batch is in slow mode (they are what it decides on).
   */
  private static final String FIND_MEMBERS =
      "SELECT room_id, user_id FROM room_members WHERE room_id IN (%s) AND user_id IN (%s)";
  private static final String FIND_MEMBERS_SLOW =
      "SELECT room_id, user_id, role, last_sent_at FROM room_members WHERE room_id IN (%s) AND user_id IN (%s)";
  /** Only asked when a send comes from a non-member: a banned user is told so (403), even in a private room. */
  private static final String FIND_BANS = "SELECT room_id, user_id FROM room_bans WHERE (room_id, user_id) IN (%s)";
  private static final String FIND_EXISTING =
      "SELECT " + MessageRows.COLUMNS + " FROM messages WHERE (room_id, sender_id, client_msg_id) IN (%s)";
  private static final String INSERT_MESSAGES =
      "INSERT INTO messages (room_id, seq, sender_id, client_msg_id, text, reply_to, created_at, attachments%s)"
          + " VALUES %s";
  /** Only a batch with a thread reply or a bot's message writes these (their defaults are NULL and FALSE). */
  private static final String THREAD_AND_BOT = ", thread_root, sender_bot";
  private static final String ADVANCE_ROOMS = "UPDATE rooms SET last_seq = CASE id %s END WHERE id IN (%s)";
  /** A join with the batch's (room, sender, seq) rows: linear in the batch, unlike a CASE per row. */
  private static final String ADVANCE_READ_MARKERS = "UPDATE room_members m JOIN (%s) v"
      + " ON m.room_id = v.room_id AND m.user_id = v.user_id SET m.read_seq = GREATEST(m.read_seq, v.seq),"
      + " m.read_at = ?, m.last_sent_at = ?";
  private static final String MARKER_ROW = "SELECT ? AS room_id, ? AS user_id, ? AS seq";

  /** The outcome of a send: the stored message, and whether this send created it (false for a retry). */
  record Stored(ChatMessage message, boolean created) {
  }

  private record Pending(SendMessage send, long roomId, long senderId, Promise<Stored> promise, long deadline) {

    String idempotencyKey() {
      return roomId + "/" + senderId + "/" + send.clientMsgId();
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final SendConfig config;
  private final BatchMetrics metrics;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;
  private long flushTimer = -1;

  SendBatcher(Vertx vertx, Pool pool, SendConfig config, BatchMetrics metrics) {
    this.vertx = vertx;
    this.pool = pool;
    this.config = config;
    this.metrics = metrics;
  }

  /** Queues a validated send; the future completes after the commit (or fails, never acknowledged). */
  Future<Stored> submit(SendMessage send, long roomId, long senderId) {
    if (queue.size() >= config.maxQueued()) {
      metrics.rejected();
      return Future.failedFuture(ParleyException.unavailable("too many messages waiting to be stored, retry"));
    }
    Promise<Stored> promise = Promise.promise();
    queue.add(new Pending(send, roomId, senderId, promise, System.nanoTime() + config.sendTimeoutMs() * 1_000_000L));
    if (queue.size() >= config.batchMaxRows()) {
      flush();
    } else if (flushTimer < 0) {
      flushTimer = vertx.setTimer(config.flushDelayMs(), id -> {
        flushTimer = -1;
        flush();
      });
    }
    return promise.future();
  }

  int queued() {
    return queue.size();
  }

  private void flush() {
    while (!queue.isEmpty() && inFlight < config.maxInFlightBatches()) {
      List<Pending> batch = takeBatch();
      if (batch.isEmpty()) {
        continue;
      }
      inFlight++;
      long started = System.nanoTime();
      // A hung database must not hold the batch's senders, nor its slot, forever: past the send timeout the
      // senders get unavailable (never an ack) and the slot is freed; the stuck transaction keeps only its pool
      // connection, and the pool's own bounds limit how many of those there can be.
      boolean[] released = {false};
      long watchdog = vertx.setTimer(config.sendTimeoutMs(), id -> {
        failAll(batch, ParleyException.unavailable("the database did not answer in time, retry"));
        release(released);
      });
      writeWithRetries(batch, 1).onComplete(result -> {
        vertx.cancelTimer(watchdog);
        metrics.batch(batch.size(), System.nanoTime() - started, result.succeeded());
        if (result.failed()) {
          failAll(batch, result.cause());
        }
        release(released);
      });
    }
  }

  private void release(boolean[] released) {
    if (released[0]) {
      return;
    }
    released[0] = true;
    inFlight--;
    if (!queue.isEmpty() && flushTimer < 0) {
      flush();
    }
  }

  /** Up to batchMaxRows sends; those that already waited past their deadline fail instead. */
  private List<Pending> takeBatch() {
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), config.batchMaxRows()));
    long now = System.nanoTime();
    while (!queue.isEmpty() && batch.size() < config.batchMaxRows()) {
      Pending next = queue.poll();
      if (now - next.deadline() > 0) {
        next.promise().tryFail(ParleyException.unavailable("the database is too slow right now, retry"));
      } else {
        batch.add(next);
      }
    }
    return batch;
  }

  private void failAll(List<Pending> batch, Throwable cause) {
    ParleyException error = StoreFailures.toClient(cause);
    for (Pending pending : batch) {
      pending.promise().tryFail(error);
    }
  }

  /**
   * Most sends are new, so the first attempt skips looking for earlier copies and lets the unique key on
   * (room, sender, clientMsgId) catch a retried send; such a batch is rolled back and written again, this time
   * looking them up. Deadlocks and lock-wait timeouts are retried a few times.
   */
  private Future<Void> writeWithRetries(List<Pending> batch, int attempt) {
    // A retried send with attachments must find its first copy before its attachments look used.
    return writeWithRetries(batch, attempt, batch.stream().anyMatch(pending -> !pending.send().attachments().isEmpty()));
  }

  private Future<Void> writeWithRetries(List<Pending> batch, int attempt, boolean lookForRetries) {
    return pool.withTransaction(connection -> write(connection, batch, lookForRetries))
        .compose(outcomes -> {
          outcomes.forEach(Runnable::run);
          return Future.<Void>succeededFuture();
        })
        .recover(failure -> {
          if (!lookForRetries && (failure instanceof MaybeRetried
              || failure instanceof MySQLException sql && sql.getErrorCode() == DUPLICATE_KEY)) {
            return writeWithRetries(batch, attempt, true);
          }
          if (attempt < MAX_ATTEMPTS && failure instanceof MySQLException sql
              && RETRYABLE.contains(sql.getErrorCode())) {
            return writeWithRetries(batch, attempt + 1, lookForRetries);
          }
          return Future.failedFuture(failure);
        });
  }

  /**
   * The transaction. Returns what to do after the commit (answer senders, publish events), so nothing is
   * answered or published for a batch that rolls back.
   */
  private Future<List<Runnable>> write(SqlConnection connection, List<Pending> batch, boolean lookForRetries) {
    TreeSet<Long> roomIds = new TreeSet<>();
    batch.forEach(pending -> roomIds.add(pending.roomId()));
    Tuple roomArgs = Tuple.tuple();
    roomIds.forEach(roomArgs::addLong);
    TreeSet<Long> senderIds = new TreeSet<>();
    Tuple existingArgs = Tuple.tuple();
    for (Pending pending : batch) {
      senderIds.add(pending.senderId());
      existingArgs.addLong(pending.roomId()).addLong(pending.senderId()).addString(pending.send().clientMsgId());
    }
    Tuple memberArgs = Tuple.tuple();
    roomIds.forEach(memberArgs::addLong);
    senderIds.forEach(memberArgs::addLong);

    Map<Long, Long> lastSeq = new HashMap<>();
    Set<Long> publicRooms = new HashSet<>();
    Set<String> members = new HashSet<>();
    Map<Long, Integer> slowModes = new HashMap<>();
    Map<String, Object[]> senders = new HashMap<>();
    Set<String> banned = new HashSet<>();
    Map<String, ChatMessage> existing = new HashMap<>();
    Set<String> attachmentIds = new LinkedHashSet<>();
    batch.forEach(pending -> attachmentIds.addAll(pending.send().attachments()));
    Map<String, long[]> threadRoots = new LinkedHashMap<>();
    batch.stream().filter(pending -> pending.send().threadRoot() != null).forEach(pending -> threadRoots.putIfAbsent(
        pending.roomId() + "/" + pending.send().threadRoot(), new long[] {pending.roomId(), pending.send().threadRoot()}));
    return connection.preparedQuery(LOCK_ROOMS.formatted(placeholders(roomIds.size(), 1))).execute(roomArgs)
        .compose(rows -> {
          for (Row row : rows) {
            lastSeq.put(row.getLong("id"), row.getLong("last_seq"));
            slowModes.put(row.getLong("id"), row.getInteger("slow_mode_seconds"));
            if ("public".equals(row.getString("visibility"))) {
              publicRooms.add(row.getLong("id"));
            }
          }
          boolean slow = slowModes.values().stream().anyMatch(seconds -> seconds > 0);
          return connection.preparedQuery((slow ? FIND_MEMBERS_SLOW : FIND_MEMBERS).formatted(
              placeholders(roomIds.size(), 1), placeholders(senderIds.size(), 1))).execute(memberArgs);
        })
        .compose(rows -> {
          boolean slow = rows.columnsNames().contains("role");
          rows.forEach(row -> {
            String pair = row.getLong("room_id") + "/" + row.getLong("user_id");
            members.add(pair);
            if (slow) {
              senders.put(pair, new Object[] {row.getString("role"), row.getLong("last_sent_at")});
            }
          });
          return findBans(connection, batch, lastSeq.keySet(), members, banned);
        })
        .compose(bansRead -> {
          if (!lookForRetries) {
            return Future.succeededFuture();
          }
          return connection.preparedQuery(FIND_EXISTING.formatted(placeholders(batch.size(), 3)))
              .execute(existingArgs).map(found -> {
                for (Row row : found) {
                  ChatMessage message = MessageRows.toMessage(row);
                  existing.put(message.roomId() + "/" + message.senderId() + "/" + message.clientMsgId(), message);
                }
                return null;
              });
        })
        .compose(looked -> AttachmentClaims.lock(connection, attachmentIds))
        .compose(locked -> ThreadReplies.lock(connection, threadRoots.values())
            .compose(threads -> store(connection, batch, lastSeq, publicRooms, members, existing, locked,
                threads, new Moderation(slowModes, senders, banned, lookForRetries))));
  }

  /**
   * Rolls back a first attempt in which moderation refused a send that was not looked up: it may be the retry
   * of a stored message, which answers that message, not 429 or 403. Rare: the batch is written again, looking.
   */
  private static final class MaybeRetried extends RuntimeException {
    MaybeRetried() {
      super(null, null, false, false);
    }
  }

  /** What moderation decides a send on, read under the rooms' locks: slow modes, senders' roles and bans. */
  private record Moderation(Map<Long, Integer> slowModes, Map<String, Object[]> senders, Set<String> banned,
      boolean lookedForRetries) {

    /** The refusal of a send by a banned user, or by a member in slow mode; null when it may go ahead. */
    ParleyException refusal(Pending pending, long now) {
      String pair = pending.roomId() + "/" + pending.senderId();
      ParleyException refused = null;
      if (banned.contains(pair)) {
        refused = new ParleyException(ErrorCode.FORBIDDEN, "you are banned from this room");
      } else {
        Object[] sender = senders.get(pair);
        int slowMode = slowModes.getOrDefault(pending.roomId(), 0);
        long wait = sender == null ? 0 : SlowMode.waitMillis(slowMode, (String) sender[0], (Long) sender[1], now);
        refused = wait > 0 ? SlowMode.refusal(slowMode, wait) : null;
      }
      if (refused != null && !lookedForRetries) {
        throw new MaybeRetried();
      }
      return refused;
    }

    void sent(Pending pending, long now) {
      Object[] sender = senders.get(pending.roomId() + "/" + pending.senderId());
      if (sender != null) {
        sender[1] = now;
      }
    }
  }

  /** The bans of senders who are not members of an existing room of the batch (normally none: no query). */
  private static Future<Void> findBans(SqlConnection connection, List<Pending> batch, Set<Long> rooms,
      Set<String> members, Set<String> banned) {
    Tuple args = Tuple.tuple();
    Set<String> outsiders = new LinkedHashSet<>();
    for (Pending pending : batch) {
      String pair = pending.roomId() + "/" + pending.senderId();
      if (rooms.contains(pending.roomId()) && !members.contains(pair) && outsiders.add(pair)) {
        args.addLong(pending.roomId()).addLong(pending.senderId());
      }
    }
    if (outsiders.isEmpty()) {
      return Future.succeededFuture();
    }
    return connection.preparedQuery(FIND_BANS.formatted(placeholders(outsiders.size(), 2))).execute(args)
        .map(rows -> {
          rows.forEach(row -> banned.add(row.getLong("room_id") + "/" + row.getLong("user_id")));
          return null;
        });
  }

  private Future<List<Runnable>> store(SqlConnection connection, List<Pending> batch, Map<Long, Long> lastSeq,
      Set<Long> publicRooms, Set<String> members, Map<String, ChatMessage> existing, AttachmentClaims claims,
      ThreadReplies threads, Moderation moderation) {
    List<Runnable> after = new ArrayList<>(batch.size() * 2);
    List<ChatMessage> created = new ArrayList<>();
    Map<Long, Long> nextSeq = new LinkedHashMap<>(lastSeq);
    Map<String, Long> readMarkers = new LinkedHashMap<>();
    long now = System.currentTimeMillis();
    for (Pending pending : batch) {
      ChatMessage earlier = existing.get(pending.idempotencyKey());
      if (earlier != null) {
        after.add(() -> pending.promise().tryComplete(new Stored(earlier, false)));
        continue;
      }
      boolean exists = nextSeq.containsKey(pending.roomId());
      ParleyException moderated = exists ? moderation.refusal(pending, now) : null;
      if (moderated != null) {
        after.add(() -> pending.promise().tryFail(moderated));
        continue;
      }
      ParleyException notMember = RoomStanding.refusal(exists, publicRooms.contains(pending.roomId()),
          members.contains(pending.roomId() + "/" + pending.senderId()));
      if (notMember != null) {
        after.add(() -> pending.promise().tryFail(notMember));
        continue;
      }
      SendMessage send = pending.send();
      // Seqs have no holes, so any seq up to the room's last one names a message (maybe a tombstone).
      if (send.replyTo() != null && send.replyTo() > nextSeq.get(pending.roomId())) {
        after.add(() -> pending.promise().tryFail(
            ParleyException.badRequest("replyTo", "replyTo must be the seq of a message in this room")));
        continue;
      }
      JsonArray attachments;
      try {
        if (send.threadRoot() != null) {
          threads.check(pending.roomId(), send.threadRoot());
        }
        attachments = claims.check(pending.roomId(), pending.senderId(), send.attachments());
      } catch (ParleyException refused) {
        after.add(() -> pending.promise().tryFail(refused));
        continue;
      }
      long seq = nextSeq.merge(pending.roomId(), 1L, Long::sum);
      moderation.sent(pending, now);
      claims.claim(send.attachments(), seq);
      if (send.threadRoot() != null) {
        threads.reply(pending.roomId(), send.threadRoot(), seq, pending.senderId(), now);
      }
      String roomId = String.valueOf(pending.roomId());
      ChatMessage message = new ChatMessage(ChatMessage.idOf(roomId, seq), roomId, seq,
          String.valueOf(pending.senderId()), send.text() == null ? "" : send.text(), now, send.clientMsgId(), send.replyTo(), null, false,
          attachments, send.threadRoot(), null, null, send.bot());
      created.add(message);
      // A retry inside the same batch gets the message its first copy created.
      existing.put(pending.idempotencyKey(), message);
      readMarkers.put(pending.roomId() + "/" + pending.senderId(), seq);
      after.add(() -> pending.promise().tryComplete(new Stored(message, true)));
      after.add(() -> vertx.eventBus().publish(Addresses.room(roomId),
          RoomEvent.of(roomId, RoomEvent.MESSAGE, seq, message.toJson())));
    }
    if (created.isEmpty()) {
      return Future.succeededFuture(after);
    }
    for (ThreadReplies.Root root : threads.updated()) {
      after.add(() -> ThreadReplies.announce(vertx, root));
    }
    return insert(connection, created)
        .compose(inserted -> claims.write(connection))
        .compose(claimed -> threads.write(connection))
        .compose(claimed -> advanceRooms(connection, lastSeq, nextSeq))
        .compose(advanced -> advanceReadMarkers(connection, readMarkers, now))
        // The batch's outbox rows (the message event stream), in the same transaction. Last before the commit:
        // their ids are allocated as late as possible, so ids committing out of order stay rare and brief.
        .compose(marked -> Outbox.append(connection, created, Outbox.CREATED, now))
        .map(done -> after);
  }

  private static Future<?> insert(SqlConnection connection, List<ChatMessage> created) {
    // Two bound values fewer per row in the usual batch (no replies, no bots): the send path's hottest statement.
    boolean extra = created.stream().anyMatch(message -> message.threadRoot() != null || message.bot());
    Tuple args = Tuple.tuple();
    for (ChatMessage message : created) {
      args.addLong(Long.parseLong(message.roomId())).addLong(message.seq()).addLong(Long.parseLong(message.senderId()))
          .addString(message.clientMsgId()).addString(message.text()).addValue(message.replyTo())
          .addLong(message.ts()).addValue(message.attachments() == null ? null : message.attachments().encode());
      if (extra) {
        args.addValue(message.threadRoot()).addBoolean(message.bot());
      }
    }
    return connection.preparedQuery(INSERT_MESSAGES.formatted(extra ? THREAD_AND_BOT : "",
        placeholders(created.size(), extra ? 10 : 8))).execute(args);
  }

  private static Future<?> advanceRooms(SqlConnection connection, Map<Long, Long> before, Map<Long, Long> after) {
    Tuple args = Tuple.tuple();
    StringBuilder cases = new StringBuilder();
    List<Long> changed = new ArrayList<>();
    after.forEach((roomId, seq) -> {
      if (!seq.equals(before.get(roomId))) {
        cases.append("WHEN ? THEN ? ");
        args.addLong(roomId).addLong(seq);
        changed.add(roomId);
      }
    });
    changed.forEach(args::addLong);
    return connection.preparedQuery(ADVANCE_ROOMS.formatted(cases, placeholders(changed.size(), 1))).execute(args);
  }

  /**
   * Senders have read their own messages: their marker moves to their last message in each room. Their last
   * send time is what slow mode counts from.
   */
  private static Future<?> advanceReadMarkers(SqlConnection connection, Map<String, Long> markers, long now) {
    Tuple args = Tuple.tuple();
    markers.forEach((pair, seq) -> {
      int slash = pair.indexOf('/');
      args.addLong(Long.parseLong(pair.substring(0, slash))).addLong(Long.parseLong(pair.substring(slash + 1)))
          .addLong(seq);
    });
    args.addLong(now).addLong(now);
    String rows = String.join(" UNION ALL ", Collections.nCopies(markers.size(), MARKER_ROW));
    return connection.preparedQuery(ADVANCE_READ_MARKERS.formatted(rows)).execute(args);
  }

  /** "?, ?" for one column, "(?, ?), (?, ?)" for row constructors and multi-row VALUES. */
  static String placeholders(int rows, int columns) {
    String row = columns == 1 ? "?" : "(" + String.join(", ", Collections.nCopies(columns, "?")) + ")";
    return String.join(", ", Collections.nCopies(rows, row));
  }
}
