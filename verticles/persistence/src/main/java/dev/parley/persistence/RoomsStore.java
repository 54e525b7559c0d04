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
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The rooms and room_members tables. No authorization here: the rooms verticle decides who may do what (it
 * reads {@link RoomActions#ACCESS} first); this store keeps the data consistent — one direct room per pair,
 * one owner, member_count, and every membership change touching the room row so it serializes with sends.
 * Requests about one room go to its shard; lists of a user's rooms and of public rooms ask every shard and merge.
 * Usernames come from shard 0 (users are never deleted, so checking them before a room's transaction is safe).
 */
final class RoomsStore {

  private static final String ROOM_COLUMNS =
      "r.id, r.name, r.kind, r.visibility, r.created_by, r.created_at, r.member_count, r.last_seq";
  private static final String ROOM_BY_ID =
      "SELECT " + ROOM_COLUMNS + " FROM rooms r WHERE r.id = ? AND r.deleted_at IS NULL";
  private static final String INSERT_ROOM = """
      INSERT INTO rooms (name, kind, visibility, created_by, created_at, member_count, direct_key)
      VALUES (?, ?, ?, ?, ?, ?, ?)""";
  private static final String INSERT_MEMBERS = "INSERT INTO room_members (room_id, user_id, role, joined_at) VALUES %s";
  private static final String USERNAMES = "SELECT id, username FROM users WHERE id IN (%s)";
  private static final String DIRECT_BY_KEY =
      "SELECT " + ROOM_COLUMNS + " FROM rooms r WHERE r.direct_key = ? AND r.deleted_at IS NULL";
  private static final String MY_ROOMS = "SELECT " + ROOM_COLUMNS + """
      , m.role, m.read_seq, lm.sender_id AS lm_sender_id, lm.client_msg_id AS lm_client_msg_id, lm.text AS lm_text,
        lm.reply_to AS lm_reply_to, lm.created_at AS lm_created_at, lm.edited_at AS lm_edited_at,
        lm.deleted_at AS lm_deleted_at
      FROM room_members m
      JOIN rooms r ON r.id = m.room_id AND r.deleted_at IS NULL
      LEFT JOIN messages lm ON lm.room_id = r.id AND lm.seq = r.last_seq
      WHERE m.user_id = ?
      ORDER BY COALESCE(lm.created_at, r.created_at) DESC, r.id DESC
      LIMIT ?""";
  private static final String PUBLIC_ROOMS = "SELECT " + ROOM_COLUMNS + """
       FROM rooms r
      WHERE r.visibility = 'public' AND r.kind = 'group' AND r.deleted_at IS NULL AND r.name LIKE ? ESCAPE '!'
      ORDER BY r.name, r.id
      LIMIT ?""";
  private static final String UPDATE_ROOM =
      "UPDATE rooms SET name = COALESCE(?, name), visibility = COALESCE(?, visibility) WHERE id = ? AND deleted_at IS NULL";
  private static final String MARK_DELETED = "UPDATE rooms SET deleted_at = ?, direct_key = NULL WHERE id = ?";
  private static final String MEMBER_IDS = "SELECT user_id FROM room_members WHERE room_id = ?";
  private static final String DELETE_MEMBERS = "DELETE FROM room_members WHERE room_id = ?";
  private static final String MEMBERS = """
      SELECT user_id, role, joined_at FROM room_members WHERE room_id = ?
      ORDER BY joined_at, user_id
      LIMIT ?""";
  private static final String MEMBER = "SELECT user_id, role, joined_at FROM room_members WHERE room_id = ? AND user_id = ?";
  private static final String LOCK_ROOM = "SELECT id FROM rooms WHERE id = ? AND deleted_at IS NULL FOR UPDATE";
  private static final String COUNT_MEMBER = "UPDATE rooms SET member_count = member_count + ? WHERE id = ?";
  private static final String REMOVE_MEMBER = "DELETE FROM room_members WHERE room_id = ? AND user_id = ?";
  private static final String SET_ROLE = "UPDATE room_members SET role = ? WHERE room_id = ? AND user_id = ?";
  private static final String DEMOTE_OWNER =
      "UPDATE room_members SET role = 'admin' WHERE room_id = ? AND role = 'owner' AND user_id <> ?";
  private static final String USER_ROOM_IDS = "SELECT room_id FROM room_members WHERE user_id = ?";
  private static final String LAST_SEQS = "SELECT id, last_seq FROM rooms WHERE id IN (%s)";
  private static final int MAX_LAST_SEQS = 1000;
  private static final String MEMBER_ROLE = "SELECT role FROM room_members WHERE room_id = ? AND user_id = ?";

  private static final int DUPLICATE_KEY = 1062;
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
  /** Shard 0's pool: users. */
  private final Pool users;
  private final Map<String, Function<JsonObject, Future<?>>> actions = Map.ofEntries(
      Map.entry(RoomActions.CREATE, this::create),
      Map.entry(RoomActions.DIRECT, this::direct),
      Map.entry(RoomActions.LIST_MINE, this::listMine),
      Map.entry(RoomActions.LIST_PUBLIC, this::listPublic),
      Map.entry(RoomActions.ACCESS, this::access),
      Map.entry(RoomActions.UPDATE, this::update),
      Map.entry(RoomActions.DELETE, this::delete),
      Map.entry(RoomActions.MEMBERS, this::members),
      Map.entry(RoomActions.ADD_MEMBER, this::addMember),
      Map.entry(RoomActions.REMOVE_MEMBER, this::removeMember),
      Map.entry(RoomActions.SET_ROLE, this::setRole),
      Map.entry(RoomActions.USER_ROOMS, this::userRooms),
      Map.entry(RoomActions.MEMBERSHIP, this::membership),
      Map.entry(RoomActions.LAST_SEQS, this::lastSeqs));

  RoomsStore(Vertx vertx, Shards shards) {
    this.vertx = vertx;
    this.shards = shards;
    this.users = shards.global().pool();
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
    long now = System.currentTimeMillis();
    Pool pool = shards.forNewRoom().pool();
    return requireUsers(others, "members").compose(found -> pool.withTransaction(connection -> connection
        .preparedQuery(INSERT_ROOM).execute(Tuple.of(request.getString("name"), "group",
            request.getString("visibility"), owner, now, 1 + others.size(), null))
        .compose(inserted -> {
          long roomId = inserted.property(io.vertx.mysqlclient.MySQLClient.LAST_INSERTED_ID);
          List<Object[]> rows = new ArrayList<>();
          rows.add(new Object[] {roomId, owner, "owner", now});
          others.forEach(member -> rows.add(new Object[] {roomId, member, "member", now}));
          return insertMembers(connection, rows).compose(done -> room(connection, roomId));
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
      Future<JsonObject> created = requireUsers(Set.of(me, other), "userId").compose(usernames -> pool
          .withTransaction(connection -> connection.preparedQuery(INSERT_ROOM).execute(Tuple.of(
              directName(usernames.get(me), usernames.get(other)), "direct", "private", me, now, 2, key))
          .compose(inserted -> {
            long roomId = inserted.property(io.vertx.mysqlclient.MySQLClient.LAST_INSERTED_ID);
            return insertMembers(connection, List.of(new Object[] {roomId, me, "member", now},
                    new Object[] {roomId, other, "member", now}))
                .compose(done -> room(connection, roomId));
          })));
      // Two first requests at once: the unique key lets one win; the other returns the winner's room.
      return created.map(room -> new JsonObject().put("room", room).put("created", true))
          .recover(failure -> isDuplicate(failure)
              ? findDirect(key).map(room -> new JsonObject().put("room", room).put("created", false))
              : Future.failedFuture(failure));
    });
  }

  /** Every shard is asked: a pair's room stays where it was made, even after shards were added. */
  private Future<JsonObject> findDirect(String key) {
    return shards.everywhere(shard -> shard.pool().preparedQuery(DIRECT_BY_KEY).execute(Tuple.of(key))
            .map(rows -> rows.size() == 0 ? null : roomJson(rows.iterator().next())))
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
      JsonObject room = roomJson(row)
          .put("role", row.getString("role"))
          .put("unread", Math.max(0, row.getLong("last_seq") - row.getLong("read_seq")));
      if (row.getLong("lm_sender_id") != null) {
        String roomId = room.getString("id");
        long seq = row.getLong("last_seq");
        boolean deleted = row.getLong("lm_deleted_at") != null;
        room.put("lastMessage", new ChatMessage(ChatMessage.idOf(roomId, seq), roomId, seq,
            String.valueOf(row.getLong("lm_sender_id")), deleted ? null : row.getString("lm_text"),
            row.getLong("lm_created_at"), row.getString("lm_client_msg_id"), row.getLong("lm_reply_to"),
            row.getLong("lm_edited_at"), deleted).toJson());
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
          rows.forEach(row -> rooms.add(roomJson(row)));
          return rooms;
        })).map(perShard -> new JsonObject().put("rooms", merge(perShard, BY_NAME, limit)));
  }

  /** {@code {userId, roomId}} -> {@code {room, role?}}; fails not_found when the room does not exist. */
  private Future<JsonObject> access(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    long userId = Ids.parse(request.getString("userId"), "user");
    Pool pool = shards.ofRoom(roomId).pool();
    return room(pool, roomId).compose(room -> pool.preparedQuery(MEMBER_ROLE).execute(Tuple.of(roomId, userId))
        .map(rows -> {
          JsonObject access = new JsonObject().put("room", room);
          if (rows.size() > 0) {
            access.put("role", rows.iterator().next().getString("role"));
          }
          return access;
        }));
  }

  /** {@code {roomId, name?, visibility?}} -> the room. */
  private Future<JsonObject> update(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    Pool pool = shards.ofRoom(roomId).pool();
    return pool.preparedQuery(UPDATE_ROOM)
        .execute(Tuple.of(request.getString("name"), request.getString("visibility"), roomId))
        .compose(updated -> room(pool, roomId));
  }

  /** {@code {roomId}} -> {@code {memberIds}}: marks the room deleted and removes every member. */
  private Future<JsonObject> delete(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    return shards.ofRoom(roomId).pool().withTransaction(connection -> connection.preparedQuery(LOCK_ROOM).execute(Tuple.of(roomId))
        .compose(locked -> {
          if (locked.size() == 0) {
            throw new ParleyException(ErrorCode.NOT_FOUND, "no such room");
          }
          return connection.preparedQuery(MEMBER_IDS).execute(Tuple.of(roomId));
        })
        .compose(rows -> {
          JsonArray memberIds = new JsonArray();
          rows.forEach(row -> memberIds.add(String.valueOf(row.getLong("user_id"))));
          return connection.preparedQuery(MARK_DELETED).execute(Tuple.of(System.currentTimeMillis(), roomId))
              .compose(marked -> connection.preparedQuery(DELETE_MEMBERS).execute(Tuple.of(roomId)))
              .map(removed -> new JsonObject().put("memberIds", memberIds));
        }));
  }

  /** {@code {roomId}} -> {@code {members: [{userId, username, role, joinedAt}]}}. */
  private Future<JsonObject> members(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    return shards.ofRoom(roomId).pool().preparedQuery(MEMBERS).execute(Tuple.of(roomId, MAX_MEMBERS_LISTED))
        .compose(rows -> {
          List<JsonObject> members = new ArrayList<>();
          rows.forEach(row -> members.add(memberJson(row)));
          return withUsernames(members);
        })
        .map(members -> new JsonObject().put("members", new JsonArray(members)));
  }

  /** {@code {roomId, memberId, role}} -> the member; conflict when already one. */
  private Future<JsonObject> addMember(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    long memberId = Ids.parse(request.getString("memberId"), "user");
    String role = request.getString("role", "member");
    long now = System.currentTimeMillis();
    Pool pool = shards.ofRoom(roomId).pool();
    return requireUsers(Set.of(memberId), "userId").compose(found -> pool.withTransaction(connection ->
            lockRoom(connection, roomId)
                .compose(locked -> insertMembers(connection,
                    List.<Object[]>of(new Object[] {roomId, memberId, role, now})))
                .compose(inserted -> connection.preparedQuery(COUNT_MEMBER).execute(Tuple.of(1, roomId)))
                .compose(counted -> member(connection, roomId, memberId))))
        .recover(failure -> isDuplicate(failure)
            ? Future.failedFuture(new ParleyException(ErrorCode.CONFLICT, "already a member"))
            : Future.failedFuture(failure))
        .compose(this::withUsername);
  }

  /** {@code {roomId, memberId}} -> {@code {removed}}: leave or kick. */
  private Future<JsonObject> removeMember(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    long memberId = Ids.parse(request.getString("memberId"), "user");
    return shards.ofRoom(roomId).pool().withTransaction(connection -> lockRoom(connection, roomId)
        .compose(locked -> connection.preparedQuery(REMOVE_MEMBER).execute(Tuple.of(roomId, memberId)))
        .compose(removed -> removed.rowCount() == 0
            ? Future.succeededFuture(new JsonObject().put("removed", false))
            : connection.preparedQuery(COUNT_MEMBER).execute(Tuple.of(-1, roomId))
                .map(counted -> new JsonObject().put("removed", true))));
  }

  /** {@code {roomId, memberId, role}} -> the member; making someone owner demotes the previous owner to admin. */
  private Future<JsonObject> setRole(JsonObject request) {
    long roomId = Ids.parse(request.getString("roomId"), "room");
    long memberId = Ids.parse(request.getString("memberId"), "user");
    String role = request.getString("role");
    return shards.ofRoom(roomId).pool().withTransaction(connection -> lockRoom(connection, roomId)
        .compose(locked -> connection.preparedQuery(SET_ROLE).execute(Tuple.of(role, roomId, memberId)))
        .compose(updated -> {
          if (updated.rowCount() == 0) {
            return member(connection, roomId, memberId);
          }
          return "owner".equals(role)
              ? connection.preparedQuery(DEMOTE_OWNER).execute(Tuple.of(roomId, memberId))
                  .compose(demoted -> member(connection, roomId, memberId))
              : member(connection, roomId, memberId);
        })).compose(this::withUsername);
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

  private static Future<?> lockRoom(SqlConnection connection, long roomId) {
    return connection.preparedQuery(LOCK_ROOM).execute(Tuple.of(roomId)).map(rows -> {
      if (rows.size() == 0) {
        throw new ParleyException(ErrorCode.NOT_FOUND, "no such room");
      }
      return rows;
    });
  }

  /** Fails with not_found naming the members field when any id is not a user; -> id -> username. */
  private Future<Map<Long, String>> requireUsers(Set<Long> ids, String field) {
    return usernames(ids).map(found -> {
      if (found.size() != ids.size()) {
        throw new ParleyException(ErrorCode.NOT_FOUND, "no such user", field);
      }
      return found;
    });
  }

  /** id -> username of those ids that are users (shard 0). */
  private Future<Map<Long, String>> usernames(Set<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Tuple args = Tuple.tuple();
    ids.forEach(args::addLong);
    return users.preparedQuery(USERNAMES.formatted(SendBatcher.placeholders(ids.size(), 1))).execute(args)
        .map(rows -> {
          Map<Long, String> found = new java.util.HashMap<>();
          rows.forEach(row -> found.put(row.getLong("id"), row.getString("username")));
          return found;
        });
  }

  /** Members as read from a room's shard, with their usernames from shard 0. */
  private Future<List<JsonObject>> withUsernames(List<JsonObject> members) {
    Set<Long> ids = new LinkedHashSet<>();
    members.forEach(member -> ids.add(Long.parseLong(member.getString("userId"))));
    return usernames(ids).map(found -> {
      members.forEach(member -> member.put("username", found.get(Long.parseLong(member.getString("userId")))));
      return members;
    });
  }

  private Future<JsonObject> withUsername(JsonObject member) {
    return withUsernames(List.of(member)).map(members -> members.get(0));
  }

  private static Future<?> insertMembers(SqlConnection connection, List<Object[]> rows) {
    Tuple args = Tuple.tuple();
    rows.forEach(row -> {
      for (Object value : row) {
        args.addValue(value);
      }
    });
    return connection.preparedQuery(INSERT_MEMBERS.formatted(SendBatcher.placeholders(rows.size(), 4))).execute(args);
  }

  private static Future<JsonObject> room(io.vertx.sqlclient.SqlClient client, long roomId) {
    return client.preparedQuery(ROOM_BY_ID).execute(Tuple.of(roomId)).map(rows -> {
      if (rows.size() == 0) {
        throw new ParleyException(ErrorCode.NOT_FOUND, "no such room");
      }
      return roomJson(rows.iterator().next());
    });
  }

  private static Future<JsonObject> member(SqlConnection connection, long roomId, long memberId) {
    return connection.preparedQuery(MEMBER).execute(Tuple.of(roomId, memberId)).map(rows -> {
      if (rows.size() == 0) {
        throw new ParleyException(ErrorCode.NOT_FOUND, "no such member");
      }
      return memberJson(rows.iterator().next());
    });
  }

  static JsonObject roomJson(Row row) {
    return new JsonObject()
        .put("id", String.valueOf(row.getLong("id")))
        .put("name", row.getString("name"))
        .put("kind", row.getString("kind"))
        .put("visibility", row.getString("visibility"))
        .put("createdBy", String.valueOf(row.getLong("created_by")))
        .put("createdAt", row.getLong("created_at"))
        .put("memberCount", row.getInteger("member_count"))
        .put("lastSeq", row.getLong("last_seq"));
  }

  private static JsonObject memberJson(Row row) {
    return new JsonObject()
        .put("userId", String.valueOf(row.getLong("user_id")))
        .put("role", row.getString("role"))
        .put("joinedAt", row.getLong("joined_at"));
  }

  private static long parseMemberId(Object id) {
    try {
      return Ids.parse(id == null ? null : String.valueOf(id), "user");
    } catch (ParleyException notAnId) {
      throw new ParleyException(ErrorCode.NOT_FOUND, "no such user", "members");
    }
  }

  private static boolean isDuplicate(Throwable failure) {
    return failure instanceof MySQLException sql && sql.getErrorCode() == DUPLICATE_KEY;
  }
}
