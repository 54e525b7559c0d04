package dev.parley.persistence;

import dev.parley.contract.Addresses;
import dev.parley.contract.MessageEvent;
import dev.parley.contract.ParleyException;
import dev.parley.contract.StreamActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reading the outbox (message_events) for the stream's relay and consumers: events in id order with a snapshot
 * of their message as stored now, the newest id, a scan of all messages for index rebuilds, and stored
 * consumer positions. See {@link StreamActions}. One per shard: each shard has its own outbox and cursors, and a
 * request's {@code shard} (default 0) says which it reads.
 */
final class EventLog {

  private static final String EVENT_COLUMNS = "e.id, e.kind, e.created_at AS event_at, e.room_id, r.kind AS room_kind,"
      + " e.seq, m.sender_id, m.text, m.created_at, m.edited_at, m.deleted_at, m.attachments, m.thread_root,"
      + " m.sender_bot, e.actor_id, e.detail";
  private static final String EVENTS = "SELECT " + EVENT_COLUMNS + " FROM message_events e"
      + " JOIN messages m ON m.room_id = e.room_id AND m.seq = e.seq JOIN rooms r ON r.id = e.room_id";
  private static final String AFTER = EVENTS + " WHERE e.id > ? ORDER BY e.id LIMIT ?";
  private static final String IN_RANGES = EVENTS + " WHERE %s ORDER BY e.id LIMIT ?";
  private static final String HEAD = "SELECT COALESCE(MIN(id), 0) AS min_id, COALESCE(MAX(id), 0) AS max_id,"
      + " (SELECT position FROM stream_cursors WHERE name = '" + EventRelay.PRUNED + "') AS pruned,"
      + " (SELECT identity FROM stream_identity WHERE singleton = 1) AS identity FROM message_events";
  private static final String SCAN = "SELECT " + MessageRows.COLUMNS + " FROM messages"
      + " WHERE deleted_at IS NULL AND (room_id > ? OR (room_id = ? AND seq > ?)) ORDER BY room_id, seq LIMIT ?";
  private static final String CURSOR_GET = "SELECT position FROM stream_cursors WHERE name = ?";
  private static final String CURSOR_SET = "INSERT INTO stream_cursors (name, position, updated_at) VALUES (?, ?, ?)"
      + " ON DUPLICATE KEY UPDATE position = GREATEST(position, VALUES(position)), updated_at = VALUES(updated_at)";

  static final int MAX_PAGE = 2000;
  static final int DEFAULT_PAGE = 500;
  static final int MAX_RANGES = 200;

  private final int shard;
  private final int shards;
  private final Pool pool;
  private final Map<String, Function<JsonObject, Future<?>>> actions = Map.of(
      StreamActions.READ, this::read,
      StreamActions.HEAD, request -> head(),
      StreamActions.SCAN, this::scan,
      StreamActions.CURSOR_GET, this::cursorGet,
      StreamActions.CURSOR_SET, this::cursorSet);

  EventLog(int shard, int shards, Pool pool) {
    this.shard = shard;
    this.shards = shards;
    this.pool = pool;
  }

  /** Answers {@link Addresses#PERSISTENCE_EVENTS} from the log of the shard each request names. */
  static Future<?> register(Vertx vertx, List<EventLog> logs) {
    return vertx.eventBus().<JsonObject>consumer(Addresses.PERSISTENCE_EVENTS, request -> {
      Object shard = request.body() == null ? null : request.body().getValue("shard");
      if (shard == null) {
        Dispatch.handle(request, logs.get(0).actions);
      } else if (shard instanceof Number number && number.doubleValue() == number.intValue()
          && number.intValue() >= 0 && number.intValue() < logs.size()) {
        Dispatch.handle(request, logs.get(number.intValue()).actions);
      } else {
        ParleyException.badRequest("shard", "shard must be between 0 and " + (logs.size() - 1)).failReply(request);
      }
    }).completion();
  }

  /** Events with ids above {@code after}, in id order. */
  Future<List<MessageEvent>> after(long after, int limit) {
    return pool.preparedQuery(AFTER).execute(Tuple.of(after, limit)).map(this::events);
  }

  /** Events with ids in any of the inclusive ranges {@code [from, to]}, in id order. */
  Future<List<MessageEvent>> inRanges(List<long[]> ranges, int limit) {
    if (ranges.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Tuple args = Tuple.tuple();
    List<String> conditions = new ArrayList<>(ranges.size());
    for (long[] range : ranges) {
      conditions.add("e.id BETWEEN ? AND ?");
      args.addLong(range[0]).addLong(range[1]);
    }
    args.addInteger(limit);
    return pool.preparedQuery(IN_RANGES.formatted(String.join(" OR ", conditions))).execute(args)
        .map(this::events);
  }

  /**
   * {@code {minId, maxId, prunedUpTo, shards, identity}}: the oldest kept and the newest event id (0 when there are
   * none), the id up to which events were deleted by retention (0 when never), how many shards there are, and the
   * identity of this shard's stream (V005: a random id created with the schema).
   */
  Future<JsonObject> head() {
    return pool.query(HEAD).execute().map(rows -> {
      Row row = rows.iterator().next();
      Long pruned = row.getLong("pruned");
      return new JsonObject().put("minId", row.getLong("min_id")).put("maxId", row.getLong("max_id"))
          .put("prunedUpTo", pruned == null ? 0L : pruned).put("shards", shards)
          .put("identity", row.getString("identity"));
    });
  }

  Future<Long> cursor(String name) {
    return pool.preparedQuery(CURSOR_GET).execute(Tuple.of(name))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("position"));
  }

  Future<Void> saveCursor(String name, long position) {
    return pool.preparedQuery(CURSOR_SET).execute(Tuple.of(name, position, System.currentTimeMillis())).mapEmpty();
  }

  private Future<JsonObject> read(JsonObject request) {
    int limit = limit(request.getValue("limit"), DEFAULT_PAGE);
    Future<List<MessageEvent>> events;
    JsonArray ranges = request.getJsonArray("ranges");
    if (ranges != null) {
      if (ranges.size() > MAX_RANGES) {
        throw ParleyException.badRequest("ranges", "at most " + MAX_RANGES + " ranges");
      }
      List<long[]> parsed = new ArrayList<>(ranges.size());
      for (int i = 0; i < ranges.size(); i++) {
        JsonArray range = ranges.getJsonArray(i);
        parsed.add(new long[] {range.getLong(0), range.getLong(1)});
      }
      events = inRanges(parsed, limit);
    } else {
      events = after(request.getLong("after", 0L), limit);
    }
    return events.map(list -> {
      JsonArray array = new JsonArray();
      list.forEach(event -> array.add(event.toJson()));
      return new JsonObject().put("events", array);
    });
  }

  private Future<JsonObject> scan(JsonObject request) {
    long afterRoom = request.getLong("afterRoom", 0L);
    long afterSeq = request.getLong("afterSeq", 0L);
    int limit = limit(request.getValue("limit"), DEFAULT_PAGE);
    return pool.preparedQuery(SCAN).execute(Tuple.of(afterRoom, afterRoom, afterSeq, limit)).map(rows -> {
      JsonArray messages = new JsonArray();
      for (Row row : rows) {
        messages.add(MessageRows.toMessage(row).toJson());
      }
      return new JsonObject().put("messages", messages);
    });
  }

  private Future<JsonObject> cursorGet(JsonObject request) {
    String name = cursorName(request);
    return pool.preparedQuery(CURSOR_GET).execute(Tuple.of(name)).map(rows -> new JsonObject().put("name", name)
        .put("position", rows.size() == 0 ? 0L : rows.iterator().next().getLong("position"))
        .put("saved", rows.size() > 0));
  }

  private Future<JsonObject> cursorSet(JsonObject request) {
    String name = cursorName(request);
    Long position = request.getLong("position");
    if (position == null || position < 0) {
      throw ParleyException.badRequest("position", "position must be an event id (0 or more)");
    }
    return saveCursor(name, position).compose(saved -> cursor(name))
        .map(stored -> new JsonObject().put("name", name).put("position", stored));
  }

  private static String cursorName(JsonObject request) {
    String name = request.getString("name");
    if (name == null || name.isBlank() || name.length() > 64) {
      throw ParleyException.badRequest("name", "name must be 1-64 characters");
    }
    return name;
  }

  private static int limit(Object value, int fallback) {
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number number) || number.intValue() < 1 || number.intValue() > MAX_PAGE) {
      throw ParleyException.badRequest("limit", "limit must be between 1 and " + MAX_PAGE);
    }
    return number.intValue();
  }

  private List<MessageEvent> events(Iterable<Row> rows) {
    List<MessageEvent> events = new ArrayList<>();
    for (Row row : rows) {
      events.add(toEvent(row));
    }
    return events;
  }

  private MessageEvent toEvent(Row row) {
    String roomId = String.valueOf(row.getLong("room_id"));
    boolean deleted = row.getLong("deleted_at") != null;
    return new MessageEvent(row.getLong("id"), shard, row.getString("kind"), row.getLong("event_at"), roomId,
        row.getString("room_kind"), row.getLong("seq"), String.valueOf(row.getLong("sender_id")),
        deleted ? null : row.getString("text"), row.getLong("created_at"), row.getLong("edited_at"), deleted,
        MessageRows.attachments(row, deleted),
        row.getLong("thread_root"), row.getLong("actor_id") == null ? null : String.valueOf(row.getLong("actor_id")),
        row.getString("detail") == null ? null : new JsonObject(row.getString("detail")), row.getBoolean("sender_bot"));
  }
}
