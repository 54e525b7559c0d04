package dev.parley.persistence;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Collection;

/**
 * The caps of the {@code rooms} config section, counted inside the transaction that writes: rooms a user is in,
 * members of a room, group rooms a user created in the last hour. Past them: 403 {@code forbidden}, or 429
 * {@code rate_limited} with Retry-After for creation. The room count is exact under the room lock; the per-user
 * counts are not locked, so transactions running at that very moment (at most the pool size) can each pass.
 */
record RoomCaps(int maxRoomsPerUser, int maxMembersPerRoom, int maxCreatedPerHour) {

  private static final long HOUR_MS = 3_600_000;
  private static final String ROOMS_OF_USERS = """
      SELECT user_id FROM room_members WHERE user_id IN (%s)
      GROUP BY user_id HAVING COUNT(*) >= ?""";
  private static final String CREATED_SINCE = """
      SELECT COUNT(*) AS created, MIN(created_at) AS oldest FROM rooms
      WHERE created_by = ? AND created_at > ? AND kind = 'group'""";

  static RoomCaps from(Settings settings) {
    return new RoomCaps(atLeastOne(settings, "rooms.maxRoomsPerUser"), atLeastOne(settings, "rooms.maxMembersPerRoom"),
        atLeastOne(settings, "rooms.maxCreatedPerHour"));
  }

  private static int atLeastOne(Settings settings, String key) {
    int value = settings.integer(key);
    if (value < 1) {
      throw new ConfigException("key '" + key + "' must be at least 1");
    }
    return value;
  }

  /** A room that would have {@code members} members. */
  void requireRoomFor(int members) {
    if (members > maxMembersPerRoom) {
      throw new ParleyException(ErrorCode.FORBIDDEN, "a room has at most " + maxMembersPerRoom + " members");
    }
  }

  /** Fails when any of these users is already in the most rooms allowed. */
  Future<Void> requireRoomsLeft(SqlConnection connection, Collection<Long> userIds, String field) {
    Tuple args = Tuple.tuple();
    userIds.forEach(args::addLong);
    args.addInteger(maxRoomsPerUser);
    return connection.preparedQuery(ROOMS_OF_USERS.formatted(SendBatcher.placeholders(userIds.size(), 1)))
        .execute(args).map(full -> {
          if (full.size() > 0) {
            throw new ParleyException(ErrorCode.FORBIDDEN,
                "a user can be in at most " + maxRoomsPerUser + " rooms", field);
          }
          return null;
        });
  }

  /** Fails rate_limited, with the seconds until the oldest creation leaves the hour, past the hourly cap. */
  Future<Void> requireCreationLeft(SqlConnection connection, long userId, long now) {
    return connection.preparedQuery(CREATED_SINCE).execute(Tuple.of(userId, now - HOUR_MS)).map(rows -> {
      var row = rows.iterator().next();
      if (row.getLong("created") >= maxCreatedPerHour) {
        long retryMs = row.getLong("oldest") + HOUR_MS - now;
        throw ParleyException.rateLimited("at most " + maxCreatedPerHour + " rooms can be created per hour",
            (retryMs + 999) / 1000);
      }
      return null;
    });
  }
}
