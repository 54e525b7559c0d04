package dev.parley.persistence;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The MySQL shards ({@code mysql.shards}; one when not listed) and which one holds what.
 *
 * <p>Rooms, their members, messages, mutes and outbox events live on the room's shard; a room id says which:
 * shard {@code k} allocates ids from {@code k * 2^40 + 1} (its rooms table's AUTO_INCREMENT starts there), so
 * {@code id >>> 40} is the shard, routing needs no lookup, and adding a shard moves no existing room. Shard 0
 * also holds everything that belongs to users, not rooms: accounts, login sessions, refresh tokens and
 * notifications. The order of the list is therefore fixed once rooms exist; new shards go at its end.
 */
final class Shards {

  /** Room ids below {@code 2^40} are shard 0's; over a trillion rooms per shard. */
  static final int ROOM_ID_SHIFT = 40;

  /** One shard: its place in the list, its database and its pool. */
  record Shard(int index, MysqlConfig mysql, Pool pool) {

    /** The first room id this shard allocates. */
    long firstRoomId() {
      return ((long) index << ROOM_ID_SHIFT) + 1;
    }
  }

  private final List<Shard> all;

  Shards(List<Shard> all) {
    if (all.isEmpty()) {
      throw new IllegalArgumentException("at least one shard");
    }
    this.all = List.copyOf(all);
  }

  List<Shard> all() {
    return all;
  }

  int count() {
    return all.size();
  }

  /** Shard 0: users, sessions, notifications (and rooms like any other shard). */
  Shard global() {
    return all.get(0);
  }

  static int indexOf(long roomId) {
    return (int) (roomId >>> ROOM_ID_SHIFT);
  }

  /** The shard holding a room; an id no shard allocates names no room. */
  Shard ofRoom(long roomId) {
    int index = indexOf(roomId);
    if (index >= all.size()) {
      throw new ParleyException(ErrorCode.NOT_FOUND, "no such room");
    }
    return all.get(index);
  }

  /** Where a new group room goes: any shard, at random, so rooms spread evenly. */
  Shard forNewRoom() {
    return all.get(ThreadLocalRandom.current().nextInt(all.size()));
  }

  /**
   * Where a new direct room goes: a shard chosen by the pair, so two first requests for the same pair race on
   * the same unique key and only one room is made.
   */
  Shard forDirect(String pairKey) {
    return all.get(Math.floorMod(pairKey.hashCode(), all.size()));
  }

  /** Room ids grouped by their shard (ids of no shard are left out), in first-seen order. */
  Map<Shard, List<Long>> byShard(Collection<Long> roomIds) {
    Map<Shard, List<Long>> grouped = new LinkedHashMap<>();
    for (long roomId : roomIds) {
      int index = indexOf(roomId);
      if (index < all.size()) {
        grouped.computeIfAbsent(all.get(index), shard -> new ArrayList<>()).add(roomId);
      }
    }
    return grouped;
  }

  /** Runs a query on every shard; the results in shard order. */
  <T> Future<List<T>> everywhere(Function<Shard, Future<T>> query) {
    List<Future<T>> results = new ArrayList<>(all.size());
    all.forEach(shard -> results.add(query.apply(shard)));
    return Future.all(results).map(done -> results.stream().map(Future::result).toList());
  }
}
