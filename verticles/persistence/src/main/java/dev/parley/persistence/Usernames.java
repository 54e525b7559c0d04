package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Usernames from shard 0, where users live. Users are never deleted, so checking them before a room's
 * transaction (on another shard, another connection) is safe.
 */
final class Usernames {

  private static final String USERNAMES = "SELECT id, username FROM users WHERE id IN (%s)";

  private final Pool users;

  Usernames(Pool users) {
    this.users = users;
  }

  /** Fails with not_found naming {@code field} when any id is not a user; -> id -> username. */
  Future<Map<Long, String>> require(Set<Long> ids, String field) {
    return of(ids).map(found -> {
      if (found.size() != ids.size()) {
        throw new ParleyException(ErrorCode.NOT_FOUND, "no such user", field);
      }
      return found;
    });
  }

  /** id -> username of those ids that are users. */
  Future<Map<Long, String>> of(Set<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Tuple args = Tuple.tuple();
    ids.forEach(args::addLong);
    return users.preparedQuery(USERNAMES.formatted(SendBatcher.placeholders(ids.size(), 1))).execute(args)
        .map(rows -> {
          Map<Long, String> found = new HashMap<>();
          rows.forEach(row -> found.put(row.getLong("id"), row.getString("username")));
          return found;
        });
  }

  /** Members as read from a room's shard, given their usernames. */
  Future<List<JsonObject>> addTo(List<JsonObject> members) {
    Set<Long> ids = new LinkedHashSet<>();
    members.forEach(member -> ids.add(Long.parseLong(member.getString("userId"))));
    return of(ids).map(found -> {
      members.forEach(member -> member.put("username", found.get(Long.parseLong(member.getString("userId")))));
      return members;
    });
  }

  Future<JsonObject> addTo(JsonObject member) {
    return addTo(List.of(member)).map(members -> members.get(0));
  }
}
