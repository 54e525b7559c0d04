package dev.parley.persistence;

import dev.parley.contract.Addresses;
import dev.parley.contract.NotificationActions;
import dev.parley.contract.NotificationLevel;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The notifications table: who gets a notification for a message (the notifier decides what is a mention; this
 * store resolves names to members and applies the users' and rooms' levels, {@link PreferenceStore}), and the
 * per-user list with read flags. See {@link NotificationActions}.
 */
final class NotificationStore {

  private static final String USERS_NAMED = "SELECT id, username_lower FROM users WHERE username_lower IN (%s)";
  private static final String MEMBERS_AMONG = "SELECT room_id, user_id FROM room_members WHERE room_id IN (%s)"
      + " AND user_id IN (%s)";
  private static final String MEMBERS_OF = "SELECT room_id, user_id FROM room_members WHERE room_id IN (%s)";
  private static final String USERNAMES = "SELECT id, username FROM users WHERE id IN (%s)";
  private static final String INSERT = "INSERT IGNORE INTO notifications"
      + " (user_id, kind, room_id, seq, from_user_id, snippet, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String RETRACT = "DELETE FROM notifications WHERE room_id = ? AND seq = ?";
  private static final String LIST = "SELECT n.id, n.kind, n.room_id, n.seq, n.from_user_id, u.username AS from_username,"
      + " n.snippet, n.created_at, n.read_at FROM notifications n LEFT JOIN users u ON u.id = n.from_user_id"
      + " WHERE n.user_id = ? AND n.id < ? %s ORDER BY n.id DESC LIMIT ?";
  private static final String UNREAD = "SELECT COUNT(*) AS unread FROM notifications WHERE user_id = ? AND read_at IS NULL";
  private static final String READ_IDS =
      "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id IN (%s)";
  private static final String READ_UP_TO =
      "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id <= ?";

  static final int MAX_ITEMS = 1000;
  static final int MAX_PAGE = 100;
  static final int DEFAULT_PAGE = 50;
  static final int MAX_IDS = 500;
  static final int MAX_SNIPPET_CHARS = 200;

  private final Vertx vertx;
  private final Shards shards;
  /** Shard 0's pool: notifications and users. Membership and mutes are read on the rooms' shards. */
  private final Pool pool;
  private final PreferenceStore preferences;
  private final Map<String, Function<JsonObject, Future<?>>> actions = new HashMap<>();

  NotificationStore(Vertx vertx, Shards shards) {
    this.vertx = vertx;
    this.shards = shards;
    this.pool = shards.global().pool();
    this.preferences = new PreferenceStore(vertx, shards);
    actions.put(NotificationActions.DELIVER, this::deliver);
    actions.put(NotificationActions.RETRACT, this::retract);
    actions.put(NotificationActions.LIST, this::list);
    actions.put(NotificationActions.MARK_READ, this::markRead);
    actions.putAll(preferences.actions());
  }

  Future<?> register() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.PERSISTENCE_NOTIFICATIONS, request ->
        Dispatch.handle(request, actions)).completion();
  }

  /** {@code threadRoot}: the root's seq for a reply in a thread (its participants are notified), else null. */
  private record Item(long roomId, long seq, long from, long ts, String text, boolean direct, Set<String> mentions,
      Long threadRoot) {
  }

  private record Recipient(long userId, Item item, String kind) {
  }

  /** Resolves recipients and stores one notification per (user, message); answers only the new ones. */
  private Future<JsonObject> deliver(JsonObject request) {
    JsonArray array = request.getJsonArray("items", new JsonArray());
    if (array.size() > MAX_ITEMS) {
      throw ParleyException.badRequest("items", "at most " + MAX_ITEMS + " items");
    }
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonObject item = array.getJsonObject(i);
      Set<String> mentions = new LinkedHashSet<>();
      item.getJsonArray("mentions", new JsonArray()).forEach(name ->
          mentions.add(String.valueOf(name).toLowerCase(Locale.ROOT)));
      items.add(new Item(Ids.parse(item.getString("roomId"), "room"), item.getLong("seq"),
          Ids.parse(item.getString("from"), "user"), item.getLong("ts", 0L), snippet(item.getString("text")),
          item.getBoolean("direct", false), mentions, item.getLong("threadRoot")));
    }
    if (items.isEmpty()) {
      return Future.succeededFuture(new JsonObject().put("created", new JsonArray()));
    }
    Set<Long> rooms = new LinkedHashSet<>();
    Set<Long> directRooms = new LinkedHashSet<>();
    Set<String> names = new LinkedHashSet<>();
    Set<Long> senders = new LinkedHashSet<>();
    for (Item item : items) {
      rooms.add(item.roomId());
      if (item.direct()) {
        directRooms.add(item.roomId());
      }
      names.addAll(item.mentions());
      senders.add(item.from());
    }
    RoomFacts facts = new RoomFacts();
    Map<Long, String> usernames = new HashMap<>();
    Map<Long, String> namesOfMentioned = new HashMap<>();
    Future<?> named = names.isEmpty() ? Future.succeededFuture()
        : pool.preparedQuery(USERS_NAMED.formatted(SendBatcher.placeholders(names.size(), 1)))
            .execute(tuple(Set.of(), names)).onSuccess(rows -> rows.forEach(row ->
                namesOfMentioned.put(row.getLong("id"), row.getString("username_lower"))));
    Future<?> senderNames = pool.preparedQuery(USERNAMES.formatted(SendBatcher.placeholders(senders.size(), 1)))
        .execute(tuple(senders, Set.of())).onSuccess(rows -> rows.forEach(row ->
            usernames.put(row.getLong("id"), row.getString("username"))));
    List<long[]> threadRoots = items.stream().filter(item -> item.threadRoot() != null)
        .map(item -> new long[] {item.roomId(), item.threadRoot(), item.seq()}).toList();
    Map<String, Set<Long>> threadFollowers = new HashMap<>();
    Future<?> threads = threadRoots.isEmpty() ? Future.succeededFuture()
        : ThreadParticipants.of(shards, threadRoots).onSuccess(threadFollowers::putAll);
    Future<?> lookups = Future.all(senderNames, threads, Future.all(named, preferences.everythingUsers()).compose(found -> {
      Set<Long> everything = found.resultAt(1);
      List<Future<?>> perShard = new ArrayList<>();
      shards.byShard(rooms).forEach((shard, onShard) -> perShard.add(roomLookups(shard.pool(), Set.copyOf(onShard),
          directRooms, namesOfMentioned, everything, facts)));
      return Future.all(perShard);
    }));
    return lookups.compose(looked -> {
      Map<Item, Map<Long, String>> candidates = new LinkedHashMap<>();
      Set<Long> users = new HashSet<>();
      for (Item item : items) {
        Map<Long, String> kinds = new LinkedHashMap<>();
        for (String name : item.mentions()) {
          Long userId = facts.mentioned.get(item.roomId() + "/" + name);
          if (userId != null) {
            kinds.put(userId, "mention");
          }
        }
        if (item.threadRoot() != null) {
          // A thread's participants hear of its replies as of a mention: a muted room (level none) stays quiet.
          threadFollowers.getOrDefault(ThreadParticipants.key(item.roomId(), item.threadRoot(), item.seq()), Set.of())
              .forEach(userId -> kinds.putIfAbsent(userId, "thread"));
        }
        if (item.direct()) {
          facts.directMembers.getOrDefault(item.roomId(), List.of()).forEach(userId -> kinds.putIfAbsent(userId, "direct"));
        }
        facts.everyMessage.getOrDefault(item.roomId(), Set.of()).forEach(userId -> kinds.putIfAbsent(userId, "message"));
        kinds.remove(item.from());
        candidates.put(item, kinds);
        users.addAll(kinds.keySet());
      }
      return preferences.of(users).compose(preferencesOf -> {
        List<Recipient> recipients = new ArrayList<>();
        candidates.forEach((item, kinds) -> kinds.forEach((userId, kind) -> {
          if (NotificationLevel.notifies(preferencesOf.get(userId).level(),
              facts.roomLevels.get(item.roomId() + "/" + userId), item.direct(),
              "mention".equals(kind) || "thread".equals(kind))) {
            recipients.add(new Recipient(userId, item, kind));
          }
        }));
        return store(recipients, usernames);
      });
    });
  }

  /** One after the other, so notification ids (the list's order) follow the stream's order. */
  private Future<JsonObject> store(List<Recipient> recipients, Map<Long, String> usernames) {
    JsonArray created = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (Recipient recipient : recipients) {
      Item item = recipient.item();
      chain = chain.compose(previous -> pool.preparedQuery(INSERT).execute(Tuple.of(recipient.userId(),
              recipient.kind(), item.roomId(), item.seq(), item.from(), item.text(), item.ts()))
          .map(result -> {
            if (result.rowCount() > 0) {
              created.add(new JsonObject()
                  .put("id", String.valueOf((Long) result.property(MySQLClient.LAST_INSERTED_ID)))
                  .put("userId", String.valueOf(recipient.userId()))
                  .put("kind", recipient.kind())
                  .put("room", String.valueOf(item.roomId()))
                  .put("seq", item.seq())
                  .put("from", String.valueOf(item.from()))
                  .put("fromUsername", usernames.get(item.from()))
                  .put("text", item.text())
                  .put("ts", item.ts())
                  .put("read", false));
            }
            return null;
          }));
    }
    return chain.map(done -> new JsonObject().put("created", created));
  }

  /**
   * What the shards know of a batch's rooms: which mentioned users are members (as {@code room/username}), the
   * members of direct rooms, the members who want every message of a room (their own level or the room's is
   * all), and members' own levels of the rooms (as {@code room/user}).
   */
  private static final class RoomFacts {
    final Map<String, Long> mentioned = new HashMap<>();
    final Map<Long, List<Long>> directMembers = new HashMap<>();
    final Map<Long, Set<Long>> everyMessage = new HashMap<>();
    final Map<String, NotificationLevel> roomLevels = new HashMap<>();
  }

  private static Future<?> roomLookups(Pool pool, Set<Long> rooms, Set<Long> directRooms,
      Map<Long, String> namesOfMentioned, Set<Long> everything, RoomFacts facts) {
    Set<Long> direct = new LinkedHashSet<>(rooms);
    direct.retainAll(directRooms);
    return Future.all(
        namesOfMentioned.isEmpty() ? Future.succeededFuture() : pool.preparedQuery(MEMBERS_AMONG.formatted(
                SendBatcher.placeholders(rooms.size(), 1), SendBatcher.placeholders(namesOfMentioned.size(), 1)))
            .execute(ids(rooms, namesOfMentioned.keySet()))
            .onSuccess(rows -> rows.forEach(row -> facts.mentioned.put(
                row.getLong("room_id") + "/" + namesOfMentioned.get(row.getLong("user_id")), row.getLong("user_id")))),
        direct.isEmpty() ? Future.succeededFuture() : pool.preparedQuery(MEMBERS_OF.formatted(
                SendBatcher.placeholders(direct.size(), 1)))
            .execute(tuple(direct, Set.of())).onSuccess(rows -> rows.forEach(row -> facts.directMembers
                .computeIfAbsent(row.getLong("room_id"), room -> new ArrayList<>()).add(row.getLong("user_id")))),
        everything.isEmpty() ? Future.succeededFuture() : pool.preparedQuery(MEMBERS_AMONG.formatted(
                SendBatcher.placeholders(rooms.size(), 1), SendBatcher.placeholders(everything.size(), 1)))
            .execute(ids(rooms, everything)).onSuccess(rows -> rows.forEach(row -> facts.everyMessage
                .computeIfAbsent(row.getLong("room_id"), room -> new HashSet<>()).add(row.getLong("user_id")))),
        PreferenceStore.roomLevels(pool, rooms).onSuccess(levels -> levels.forEach((key, level) -> {
          facts.roomLevels.put(key, level);
          if (level == NotificationLevel.ALL) {
            int slash = key.indexOf('/');
            facts.everyMessage.computeIfAbsent(Long.parseLong(key.substring(0, slash)), room -> new HashSet<>())
                .add(Long.parseLong(key.substring(slash + 1)));
          }
        })));
  }

  /** Deleted messages take their notifications with them. */
  private Future<JsonObject> retract(JsonObject request) {
    JsonArray array = request.getJsonArray("items", new JsonArray());
    if (array.size() > MAX_ITEMS) {
      throw ParleyException.badRequest("items", "at most " + MAX_ITEMS + " items");
    }
    if (array.isEmpty()) {
      return Future.succeededFuture(new JsonObject().put("removed", 0));
    }
    List<Tuple> batch = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      JsonObject item = array.getJsonObject(i);
      batch.add(Tuple.of(Ids.parse(item.getString("roomId"), "room"), item.getLong("seq")));
    }
    return pool.preparedQuery(RETRACT).executeBatch(batch).map(result -> {
      int removed = 0;
      for (RowSet<Row> rows = result; rows != null; rows = rows.next()) {
        removed += rows.rowCount();
      }
      return new JsonObject().put("removed", removed);
    });
  }

  private Future<JsonObject> list(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    Long before = request.getLong("before");
    if (before != null && before < 1) {
      throw ParleyException.badRequest("before", "before must be a notification id");
    }
    Integer requested = request.getInteger("limit");
    int limit = requested == null ? DEFAULT_PAGE : requested;
    if (limit < 1 || limit > MAX_PAGE) {
      throw ParleyException.badRequest("limit", "limit must be between 1 and " + MAX_PAGE);
    }
    boolean unreadOnly = request.getBoolean("unreadOnly", false);
    String sql = LIST.formatted(unreadOnly ? "AND n.read_at IS NULL" : "");
    return pool.preparedQuery(sql).execute(Tuple.of(userId, before == null ? Long.MAX_VALUE : before, limit + 1))
        .compose(rows -> unread(userId).map(unread -> {
          JsonArray notifications = new JsonArray();
          for (Row row : rows) {
            if (notifications.size() == limit) {
              break;
            }
            notifications.add(new JsonObject()
                .put("id", String.valueOf(row.getLong("id")))
                .put("kind", row.getString("kind"))
                .put("room", String.valueOf(row.getLong("room_id")))
                .put("seq", row.getLong("seq"))
                .put("from", String.valueOf(row.getLong("from_user_id")))
                .put("fromUsername", row.getString("from_username"))
                .put("text", row.getString("snippet"))
                .put("ts", row.getLong("created_at"))
                .put("read", row.getLong("read_at") != null));
          }
          return new JsonObject().put("notifications", notifications).put("hasMore", rows.size() > limit)
              .put("unread", unread);
        }));
  }

  private Future<JsonObject> markRead(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    Object ids = request.getValue("ids");
    Object upTo = request.getValue("upTo");
    if ((ids == null) == (upTo == null)) {
      throw ParleyException.badRequest(ids == null ? "ids" : "upTo", "give either ids (a list) or upTo (an id)");
    }
    long now = System.currentTimeMillis();
    Future<RowSet<Row>> updated;
    if (ids != null) {
      if (!(ids instanceof JsonArray list) || list.isEmpty() || list.size() > MAX_IDS) {
        throw ParleyException.badRequest("ids", "ids must be a list of 1-" + MAX_IDS + " notification ids");
      }
      Tuple args = Tuple.of(now, userId);
      for (Object id : list) {
        args.addLong(notificationId(id, "ids"));
      }
      updated = pool.preparedQuery(READ_IDS.formatted(SendBatcher.placeholders(list.size(), 1))).execute(args);
    } else {
      updated = pool.preparedQuery(READ_UP_TO).execute(Tuple.of(now, userId, notificationId(upTo, "upTo")));
    }
    return updated.compose(rows -> unread(userId)
        .map(unread -> new JsonObject().put("updated", rows.rowCount()).put("unread", unread)));
  }

  private Future<Long> unread(long userId) {
    return pool.preparedQuery(UNREAD).execute(Tuple.of(userId)).map(rows -> rows.iterator().next().getLong("unread"));
  }

  private static long notificationId(Object value, String field) {
    if (value instanceof Number number && number.doubleValue() == number.longValue() && number.longValue() > 0) {
      return number.longValue();
    }
    if (value instanceof String text) {
      try {
        long id = Long.parseLong(text);
        if (id > 0) {
          return id;
        }
      } catch (NumberFormatException notANumber) {
        // reported below
      }
    }
    throw ParleyException.badRequest(field, field + " must hold notification ids");
  }

  private static String snippet(String text) {
    if (text == null) {
      return null;
    }
    if (text.codePointCount(0, text.length()) <= MAX_SNIPPET_CHARS) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, MAX_SNIPPET_CHARS - 1)) + "…";
  }

  private static Tuple ids(Set<Long> first, Set<Long> then) {
    Tuple args = Tuple.tuple();
    first.forEach(args::addLong);
    then.forEach(args::addLong);
    return args;
  }

  private static Tuple tuple(Set<Long> ids, Set<String> names) {
    Tuple args = Tuple.tuple();
    ids.forEach(args::addLong);
    names.forEach(args::addString);
    return args;
  }
}
