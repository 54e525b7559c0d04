package dev.parley.persistence;

import dev.parley.contract.Addresses;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The rooms and room_members tables: creating rooms and reading them. Role-dependent writes are
 * {@link RoomWrites}, which decides them under the room lock. This store keeps the data consistent — one direct
 * room per pair, one owner, member_count — and applies the {@link RoomCaps} when a room is made. Requests about
 * one room go to its shard; lists of a user's rooms and of public rooms ask every shard and merge.
 */
final class RoomsStore {

  private static final String INSERT_ROOM = """
      INSERT INTO rooms (name, kind, visibility, created_by, created_at, member_count, direct_key)
      VALUES (?, ?, ?, ?, ?, ?, ?)""";
  private static final String DIRECT_BY_KEY =
      "SELECT " + RoomRows.ROOM_COLUMNS + " FROM rooms r WHERE r.direct_key = ? AND r.deleted_at IS NULL";
  private static final String MY_ROOMS = "SELECT " + RoomRows.ROOM_COLUMNS + """
      , m.role, m.read_seq, lm.sender_id AS lm_sender_id, lm.client_msg_id AS lm_client_msg_id, lm.text AS lm_text,
        lm.reply_to AS lm_reply_to, lm.created_at AS lm_created_at, lm.edited_at AS lm_edited_at,
        lm.deleted_at AS lm_deleted_at, lm.sender_bot AS lm_sender_bot
      FROM room_members m
      JOIN rooms r ON r.id = m.room_id AND r.deleted_at IS NULL
      LEFT JOIN messages lm ON lm.room_id = r.id AND lm.seq = r.last_seq
      WHERE m.user_id = ?
      ORDER BY COALESCE(lm.created_at, r.created_at) DESC, r.id DESC
      LIMIT ?""";
  private static final String PUBLIC_ROOMS = "SELECT " + RoomRows.ROOM_COLUMNS + """
       FROM rooms r
      WHERE r.visibility = 'public' AND r.kind = 'group' AND r.deleted_at IS NULL AND r.name LIKE ? ESCAPE '!'
      ORDER BY r.name, r.id
      LIMIT ?""";
  private static final String MEMBERS = """
      SELECT user_id, role, joined_at FROM room_members WHERE room_id = ?
      ORDER BY joined_at, user_id
      LIMIT ?""";
  private static final String USER_ROOM_IDS = "SELECT room_id FROM room_members WHERE user_id = ?";
  private static final String LAST_SEQS = "SELECT id, last_seq FROM rooms WHERE id IN (%s)";
  private static final int MAX_LAST_SEQS = 1000;
  private static final String MEMBER_ROLE = "SELECT role FROM room_members WHERE room_id = ? AND user_id = ?";

  private static final int MAX_ROOMS_LISTED = 500;
  private static final int MAX_MEMBERS_LISTED = 1000;

  /** Latest activity first (the last message's time, or the room's creation), then the newest room: as MY_ROOMS. */
  private static final Comparator<JsonObject> MOST_RECENT_ACTIVITY = Comparator
      .<JsonObject>comparingLong(room -> room.containsKey("lastMessage")
          ? room.getJsonObject("lastMessage").getLong("ts") : room.getLong("createdAt")).reversed()
      .thenComparing(Comparator.<JsonObject>comparingLong(room -> Long.parseLong(room.getString("id"))).reversed());

  /**
   * By name, then id: as PUBLIC_ROOMS. The Unicode collator at primary strength (no case, no accents) is close to
   * the column's utf8mb4_unicode_ci; where the two differ, shards' rooms interleave slightly differently.
   */
  private static final Comparator<JsonObject> BY_NAME = Comparator
      .<JsonObject, String>comparing(room -> room.getString("name"), primaryCollator())
      .thenComparingLong(room -> Long.parseLong(room.getString("id")));

  private static Comparator<Object> primaryCollator() {
    java.text.Collator collator = java.text.Collator.getInstance(java.util.Locale.ROOT);
    collator.setStrength(java.text.Collator.PRIMARY);
    return collator;
  }

  private final Vertx vertx;
  private final Shards shards;
  private final Usernames usernames;
  private final RoomCaps caps;
  private final Blocks blocks;
  private final Map<String, Function<JsonObject, Future<?>>> actions;

  RoomsStore(Vertx vertx, Shards shards, RoomCaps caps) {
    this.vertx = vertx;
    this.shards = shards;
    this.usernames = new Usernames(shards.global().pool());
    this.caps = caps;
    this.blocks = new Blocks(shards.global().pool(), usernames);
    RoomWrites writes = new RoomWrites(shards, usernames, caps, blocks);
    this.actions = Map.ofEntries(
        Map.entry(RoomActions.CREATE, this::create),
        Map.entry(RoomActions.DIRECT, this::direct),
        Map.entry(RoomActions.LIST_MINE, this::listMine),
        Map.entry(RoomActions.LIST_PUBLIC, this::listPublic),
        Map.entry(RoomActions.ACCESS, this::access),
        Map.entry(RoomActions.UPDATE, writes::update),
        Map.entry(RoomActions.DELETE, writes::delete),
        Map.entry(RoomActions.JOIN, writes::join),
        Map.entry(RoomActions.LEAVE, writes::leave),
        Map.entry(RoomActions.ADD_MEMBER, writes::addMember),
        Map.entry(RoomActions.REMOVE_MEMBER, writes::removeMember),
        Map.entry(RoomActions.SET_ROLE, writes::setRole),
        Map.entry(RoomActions.BAN, writes::ban),
        Map.entry(RoomActions.UNBAN, writes::unban),
        Map.entry(RoomActions.BANS, this::bans),
        Map.entry(RoomActions.MEMBERS, this::members),
        Map.entry(RoomActions.USER_ROOMS, this::userRooms),
        Map.entry(RoomActions.MEMBERSHIP, this::membership),
        Map.entry(RoomActions.LAST_SEQS, this::lastSeqs));
  }

  Future<?> register() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.PERSISTENCE_ROOMS, request ->
        Dispatch.handle(request, actions)).completion();
  }

  /** {@code {userId, name, visibility, members: [userId]}} -> the room; the caller is its owner. */
  private Future<JsonObject> create(JsonObject request) {
    long owner = Ids.parse(request.getString("userId"), "user");
    Set<Long> others = new LinkedHashSet<>();
    for (Object id : request.getJsonArray("members", new JsonArray())) {
      long member = parseMemberId(id);
      if (member != owner) {
        others.add(member);
      }
    }
    caps.requireRoomFor(1 + others.size());
    Set<Long> everyone = new LinkedHashSet<>(others);
    everyone.add(owner);
    long now = System.currentTimeMillis();
    Pool pool = shards.forNewRoom().pool();
    return usernames.require(others, "members").compose(found -> pool.withTransaction(connection -> caps
        .requireCreationLeft(connection, owner, now)
        .compose(allowed -> caps.requireRoomsLeft(connection, everyone, "members"))
        .compose(allowed -> connection.preparedQuery(INSERT_ROOM).execute(Tuple.of(request.getString("name"),
            "group", request.getString("visibility"), owner, now, 1 + others.size(), null)))
        .compose(inserted -> {
          long roomId = inserted.property(io.vertx.mysqlclient.MySQLClient.LAST_INSERTED_ID);
          List<Object[]> rows = new ArrayList<>();
          rows.add(new Object[] {roomId, owner, "owner", now});
          others.forEach(member -> rows.add(new Object[] {roomId, member, "member", now}));
          return RoomRows.insertMembers(connection, rows).compose(done -> RoomRows.room(connection, roomId));
        })));
  }

  /** {@code {userId, otherId}} -> {@code {room, created}}: the one direct room of the pair. */
  private Future<JsonObject> direct(JsonObject request) {
    long me = Ids.parse(request.getString("userId"), "user");
    long other = Ids.parse(request.getString("otherId"), "user");
    if (me == other) {
      throw ParleyException.badRequest("userId", "a direct room needs another user");
    }
    String key = Math.min(me, other) + ":" + Math.max(me, other);
    long now = System.currentTimeMillis();
    return findDirect(key).compose(found -> {
      if (found != null) {
        return Future.succeededFuture(new JsonObject().put("room", found).put("created", false));
      }
      Pool pool = shards.forDirect(key).pool();
      // A user who blocked the caller cannot be put in a new direct room by them.
      Future<JsonObject> created = blocks.requireNotBlockedBy(other, me)
          .compose(allowed -> usernames.require(Set.of(me, other), "userId")).compose(names -> pool
          .withTransaction(connection -> caps.requireRoomsLeft(connection, List.of(me, other), "userId")
          .compose(allowed -> connection.preparedQuery(INSERT_ROOM).execute(Tuple.of(
              directName(names.get(me), names.get(other)), "direct", "private", me, now, 2, key)))
          .compose(inserted -> {
            long roomId = inserted.property(io.vertx.mysqlclient.MySQLClient.LAST_INSERTED_ID);
            return RoomRows.insertMembers(connection, List.of(new Object[] {roomId, me, "member", now},
                    new Object[] {roomId, other, "member", now}))
                .compose(done -> RoomRows.room(connection, roomId));
          })));
      // Two first requests at once: the unique key lets one win; the other returns the winner's room.
      return created.map(room -> new JsonObject().put("room", room).put("created", true))
          .recover(failure -> RoomRows.isDuplicate(failure)
              ? findDirect(key).map(room -> new JsonObject().put("room", room).put("created", false))
              : Future.failedFuture(failure));
    });
  }

  /** Every shard is asked: a pair's room stays where it was made, even after shards were added. */
  private Future<JsonObject> findDirect(String key) {
    return shards.everywhere(shard -> shard.pool().preparedQuery(DIRECT_BY_KEY).execute(Tuple.of(key))
            .map(rows -> rows.size() == 0 ? null : RoomRows.roomJson(rows.iterator().next())))
        .map(found -> found.stream().filter(java.util.Objects::nonNull).findFirst().orElse(null));
  }

  private static String directName(String a, String b) {
    String name = a + ", " + b;
    return name.length() <= 100 ? name : name.substring(0, 100);
  }

  /** {@code {userId, limit?}} -> {@code {rooms: [room + role, unread, lastMessage?]}}, latest activity first. */
  private Future<JsonObject> listMine(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    return shards.everywhere(shard -> shard.pool().preparedQuery(MY_ROOMS).execute(Tuple.of(userId, MAX_ROOMS_LISTED))
        .map(RoomsStore::myRooms)).map(perShard -> new JsonObject().put("rooms",
            merge(perShard, MOST_RECENT_ACTIVITY, MAX_ROOMS_LISTED)));
  }

  /**
   * Each shard's rows, already in order, merged into one list of at most {@code limit}. With one shard its order
   * is kept exactly as MySQL gave it.
   */
  private static JsonArray merge(List<List<JsonObject>> perShard, Comparator<JsonObject> order, int limit) {
    List<JsonObject> all = new ArrayList<>();
    perShard.forEach(all::addAll);
    if (perShard.size() > 1) {
      all.sort(order);
    }
    return new JsonArray(new ArrayList<>(all.subList(0, Math.min(limit, all.size()))));
  }

  private static List<JsonObject> myRooms(RowSet<Row> rows) {
    List<JsonObject> rooms = new ArrayList<>();
    for (Row row : rows) {
      JsonObject room = RoomRows.roomJson(row)
          .put("role", row.getString("role"))
          .put("unread", Math.max(0, row.getLong("last_seq") - row.getLong("read_seq")));
      if (row.getLong("lm_sender_id") != null) {
        String roomId = room.getString("id");
        long seq = row.getLong("last_seq");
        boolean deleted = row.getLong("lm_deleted_at") != null;
        room.put("lastMessage", new ChatMessage(ChatMessage.idOf(roomId, seq), roomId, seq,
            String.valueOf(row.getLong("lm_sender_id")), deleted ? null : row.getString("lm_text"),
            row.getLong("lm_created_at"), row.getString("lm_client_msg_id"), row.getLong("lm_reply_to"),
            row.getLong("lm_edited_at"), deleted, null, null, null, null, row.getBoolean("lm_sender_bot")).toJson());
      }
      rooms.add(room);
    }
    return rooms;
  }

  /** {@code {q?, limit?}} -> {@code {rooms}}: public group rooms whose name starts with q. */
  private Future<JsonObject> listPublic(JsonObject request) {
    String q = request.getString("q", "");
    int limit = Math.max(1, Math.min(request.getInteger("limit", 50), 100));
    String pattern = q.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    return shards.everywhere(shard -> shard.pool().preparedQuery(PUBLIC_ROOMS).execute(Tuple.of(pattern, limit))
        .map(rows -> {
          List<JsonObject> rooms = new ArrayList<>();
          rows.forEach(row -> rooms.add(RoomRows.roomJson(row)));
          return rooms;
        })).map(perShard -> new JsonObject().put("rooms", merge(perShard, BY_NAME, limit)));
  }

  /** {@code {userId, roomId}} -> {@code {room, role?}}; fails not_found when the room does not exist. */
  private Future<JsonObject> access(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    long userId = Ids.parse(request.getString("userId"), "user");
    Pool pool = shards.ofRoom(roomId).pool();
    return RoomRows.room(pool, roomId).compose(room -> pool.preparedQuery(MEMBER_ROLE).execute(Tuple.of(roomId, userId))
        .map(rows -> {
          JsonObject access = new JsonObject().put("room", room);
          if (rows.size() > 0) {
            access.put("role", rows.iterator().next().getString("role"));
          }
          return access;
        }));
  }

  /** {@code {roomId}} -> {@code {members: [{userId, username, role, joinedAt}]}}. */
  private Future<JsonObject> members(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    return shards.ofRoom(roomId).pool().preparedQuery(MEMBERS).execute(Tuple.of(roomId, MAX_MEMBERS_LISTED))
        .compose(rows -> {
          List<JsonObject> members = new ArrayList<>();
          rows.forEach(row -> members.add(RoomRows.memberJson(row)));
          return usernames.addTo(members);
        })
        .map(members -> new JsonObject().put("members", new JsonArray(members)));
  }

  /** {@code {roomId}} -> {@code {bans: [{userId, username, bannedBy, reason?, createdAt}]}}, newest first. */
  private Future<JsonObject> bans(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    return RoomBans.list(shards.ofRoom(roomId).pool(), roomId).compose(usernames::addTo)
        .map(bans -> new JsonObject().put("bans", new JsonArray(bans)));
  }

  /** {@code {userId}} -> {@code {roomIds}}. */
  private Future<JsonObject> userRooms(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    return shards.everywhere(shard -> shard.pool().preparedQuery(USER_ROOM_IDS).execute(Tuple.of(userId)))
        .map(perShard -> {
          JsonArray roomIds = new JsonArray();
          perShard.forEach(rows -> rows.forEach(row -> roomIds.add(String.valueOf(row.getLong("room_id")))));
          return new JsonObject().put("roomIds", roomIds);
        });
  }

  /** {@code {roomId, userId}} -> {@code {member, role?}}. */
  private Future<JsonObject> membership(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    long userId = Ids.parse(request.getString("userId"), "user");
    return shards.ofRoom(roomId).pool().preparedQuery(MEMBER_ROLE).execute(Tuple.of(roomId, userId))
        .map(rows -> rows.size() == 0
        ? new JsonObject().put("member", false)
        : new JsonObject().put("member", true).put("role", rows.iterator().next().getString("role")));
  }

  /** {@code {roomIds}} -> {@code {lastSeqs: {roomId: seq}}}; unknown ids are left out. */
  private Future<JsonObject> lastSeqs(JsonObject request) {
    JsonArray roomIds = request.getJsonArray("roomIds", new JsonArray());
    if (roomIds.isEmpty()) {
      return Future.succeededFuture(new JsonObject().put("lastSeqs", new JsonObject()));
    }
    if (roomIds.size() > MAX_LAST_SEQS) {
      throw ParleyException.badRequest("roomIds", "at most " + MAX_LAST_SEQS + " rooms at once");
    }
    Set<Long> ids = new LinkedHashSet<>();
    roomIds.forEach(id -> ids.add(Ids.parse(String.valueOf(id), "room")));
    JsonObject lastSeqs = new JsonObject();
    List<Future<?>> reads = new ArrayList<>();
    shards.byShard(ids).forEach((shard, onShard) -> {
      Tuple args = Tuple.tuple();
      onShard.forEach(args::addLong);
      reads.add(shard.pool().preparedQuery(LAST_SEQS.formatted(SendBatcher.placeholders(onShard.size(), 1)))
          .execute(args)
          .onSuccess(rows -> rows.forEach(row -> lastSeqs.put(String.valueOf(row.getLong("id")), row.getLong("last_seq")))));
    });
    return Future.all(reads).map(done -> new JsonObject().put("lastSeqs", lastSeqs));
  }

  private static long parseMemberId(Object id) {
    try {
      return Ids.parse(id == null ? null : String.valueOf(id), "user");
    } catch (ParleyException notAnId) {
      throw new ParleyException(ErrorCode.NOT_FOUND, "no such user", "members");
    }
  }
}
