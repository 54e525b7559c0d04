package dev.parley.persistence;

import dev.parley.contract.Addresses;
import dev.parley.contract.NotificationActions;
import dev.parley.contract.NotificationLevel;
import dev.parley.contract.NotificationPreferences;
import dev.parley.contract.ParleyException;
import dev.parley.contract.QuietHours;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Notification preferences: per user on shard 0 ({@code notification_preferences}), per member and room on the
 * room's shard ({@code room_notification_levels}; the former mutes are level none). Answers the preference
 * actions of {@link NotificationActions} and the level lookups of a notification delivery.
 */
final class PreferenceStore {

  private static final String GET = "SELECT user_id, level, push, push_content, quiet_start, quiet_end, quiet_zone"
      + " FROM notification_preferences WHERE user_id IN (%s)";
  private static final String UPSERT = "INSERT INTO notification_preferences (user_id, level, push, push_content,"
      + " quiet_start, quiet_end, quiet_zone, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
      + " level = VALUES(level), push = VALUES(push), push_content = VALUES(push_content),"
      + " quiet_start = VALUES(quiet_start), quiet_end = VALUES(quiet_end), quiet_zone = VALUES(quiet_zone),"
      + " updated_at = VALUES(updated_at)";
  private static final String EVERYTHING = "SELECT user_id FROM notification_preferences WHERE level = 'all'";
  private static final String SET_ROOM = "INSERT INTO room_notification_levels (room_id, user_id, level, updated_at)"
      + " VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE level = VALUES(level), updated_at = VALUES(updated_at)";
  private static final String CLEAR_ROOM = "DELETE FROM room_notification_levels WHERE room_id = ? AND user_id = ?";
  /** Levels of current members only: a level left behind by a former member is ignored. */
  private static final String ROOM_LEVELS = "SELECT l.room_id, l.user_id, l.level FROM room_notification_levels l"
      + " JOIN room_members m ON m.room_id = l.room_id AND m.user_id = l.user_id WHERE l.room_id IN (%s)";
  private static final String MUTES = "SELECT room_id FROM room_notification_levels WHERE user_id = ? AND level = 'none'"
      + " ORDER BY room_id";
  private static final String LEVELS_OF_USER = "SELECT room_id, level FROM room_notification_levels WHERE user_id = ?";

  private final Vertx vertx;
  private final Shards shards;
  private final Pool pool;

  PreferenceStore(Vertx vertx, Shards shards) {
    this.vertx = vertx;
    this.shards = shards;
    this.pool = shards.global().pool();
  }

  Map<String, Function<JsonObject, Future<?>>> actions() {
    return Map.of(
        NotificationActions.PREFERENCES, request -> of(Set.of(Ids.parse(request.getString("userId"), "user")))
            .map(found -> found.values().iterator().next().toJson()),
        NotificationActions.SET_PREFERENCES, this::set,
        NotificationActions.SET_ROOM_LEVEL, request -> setRoom(request, request.getValue("level")),
        NotificationActions.MUTE, request -> setRoom(request, "none")
            .map(done -> new JsonObject().put("roomId", request.getString("roomId")).put("muted", true)),
        NotificationActions.UNMUTE, request -> setRoom(request, "default")
            .map(done -> new JsonObject().put("roomId", request.getString("roomId")).put("muted", false)),
        NotificationActions.MUTES, this::mutes,
        NotificationActions.ROOM_LEVELS, this::levelsOfUser);
  }

  /** The preferences of these users, the defaults for those who never set any. */
  Future<Map<Long, NotificationPreferences>> of(Collection<Long> userIds) {
    Map<Long, NotificationPreferences> found = new HashMap<>();
    userIds.forEach(id -> found.put(id, NotificationPreferences.DEFAULTS));
    if (userIds.isEmpty()) {
      return Future.succeededFuture(found);
    }
    Tuple args = Tuple.tuple();
    userIds.forEach(args::addLong);
    return pool.preparedQuery(GET.formatted(SendBatcher.placeholders(userIds.size(), 1))).execute(args).map(rows -> {
      rows.forEach(row -> found.put(row.getLong("user_id"), fromRow(row)));
      return found;
    });
  }

  /** Users whose own level is {@code all}: notified of every message of their rooms. */
  Future<Set<Long>> everythingUsers() {
    return pool.query(EVERYTHING).execute().map(rows -> {
      Set<Long> users = new HashSet<>();
      rows.forEach(row -> users.add(row.getLong("user_id")));
      return users;
    });
  }

  /** Members' own levels of these rooms of one shard, as {@code room/user -> level}. */
  static Future<Map<String, NotificationLevel>> roomLevels(Pool pool, Collection<Long> rooms) {
    Tuple args = Tuple.tuple();
    rooms.forEach(args::addLong);
    return pool.preparedQuery(ROOM_LEVELS.formatted(SendBatcher.placeholders(rooms.size(), 1))).execute(args)
        .map(rows -> {
          Map<String, NotificationLevel> levels = new HashMap<>();
          rows.forEach(row -> levels.put(row.getLong("room_id") + "/" + row.getLong("user_id"),
              NotificationLevel.parse(row.getString("level"), "level")));
          return levels;
        });
  }

  private Future<JsonObject> set(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    NotificationPreferences wanted = NotificationPreferences.fromJson(request.getJsonObject("preferences"));
    QuietHours quiet = wanted.quietHours();
    return pool.preparedQuery(UPSERT).execute(Tuple.of(userId, wanted.level().wire(), wanted.push(),
            wanted.pushContent(), quiet == null ? null : quiet.start().toSecondOfDay() / 60,
            quiet == null ? null : quiet.end().toSecondOfDay() / 60, quiet == null ? null : quiet.timeZone().getId(),
            System.currentTimeMillis()))
        .map(done -> {
          vertx.eventBus().publish(Addresses.PREFERENCES_CHANGED, new JsonObject().put("userId", String.valueOf(userId)));
          return wanted.toJson();
        });
  }

  /** Sets (or with {@code default} clears) a member's level of a room, membership checked in the same transaction. */
  private Future<JsonObject> setRoom(JsonObject request, Object value) {
    long userId = Ids.parse(request.getString("userId"), "user");
    long roomId = Ids.parse(request.getString("roomId"), "room");
    NotificationLevel level = "default".equals(value) ? null : levelOrBadRequest(value);
    return shards.ofRoom(roomId).pool().withTransaction(connection -> Access.load(connection, roomId, userId)
            .map(Access::requireMember)
            .compose(member -> level == null
                ? connection.preparedQuery(CLEAR_ROOM).execute(Tuple.of(roomId, userId))
                : connection.preparedQuery(SET_ROOM).execute(Tuple.of(roomId, userId, level.wire(),
                    System.currentTimeMillis()))))
        .map(done -> new JsonObject().put("roomId", String.valueOf(roomId))
            .put("level", level == null ? "default" : level.wire()));
  }

  private static NotificationLevel levelOrBadRequest(Object value) {
    if (!(value instanceof String)) {
      throw ParleyException.badRequest("level", "level must be all, mentions, none or default");
    }
    try {
      return NotificationLevel.parse(value, "level");
    } catch (ParleyException bad) {
      throw ParleyException.badRequest("level", "level must be all, mentions, none or default");
    }
  }

  private Future<JsonObject> mutes(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    return shards.everywhere(shard -> shard.pool().preparedQuery(MUTES).execute(Tuple.of(userId))).map(perShard -> {
      JsonArray roomIds = new JsonArray();
      // Shards in order and each in room order: ids ascend, as with one database.
      perShard.forEach(rows -> rows.forEach(row -> roomIds.add(String.valueOf(row.getLong("room_id")))));
      return new JsonObject().put("roomIds", roomIds);
    });
  }

  private Future<JsonObject> levelsOfUser(JsonObject request) {
    long userId = Ids.parse(request.getString("userId"), "user");
    return shards.everywhere(shard -> shard.pool().preparedQuery(LEVELS_OF_USER).execute(Tuple.of(userId)))
        .map(perShard -> {
          JsonObject levels = new JsonObject();
          perShard.forEach(rows -> rows.forEach(row -> levels.put(String.valueOf(row.getLong("room_id")),
              row.getString("level"))));
          return new JsonObject().put("levels", levels);
        });
  }

  private static NotificationPreferences fromRow(Row row) {
    Integer start = row.getInteger("quiet_start");
    QuietHours quiet = start == null ? null : new QuietHours(LocalTime.ofSecondOfDay(start * 60L),
        LocalTime.ofSecondOfDay(row.getInteger("quiet_end") * 60L), ZoneId.of(row.getString("quiet_zone")));
    return new NotificationPreferences(NotificationLevel.parse(row.getString("level"), "level"),
        row.getBoolean("push"), "generic".equals(row.getString("push_content")), quiet);
  }
}
