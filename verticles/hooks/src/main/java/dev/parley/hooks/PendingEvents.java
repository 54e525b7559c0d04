package dev.parley.hooks;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Which stream events are queued for some hook but not yet delivered, per shard: the position stored for a restart
 * must stay below all of them, so that a restart delivers them again (at least once) instead of skipping them.
 * Event-loop confined.
 */
final class PendingEvents {

  private final List<TreeMap<Long, Integer>> shards = new ArrayList<>();

  PendingEvents(int shardCount) {
    for (int i = 0; i < shardCount; i++) {
      shards.add(new TreeMap<>());
    }
  }

  void add(int shard, long id) {
    shards.get(shard).merge(id, 1, Integer::sum);
  }

  void done(int shard, long id) {
    shards.get(shard).computeIfPresent(id, (key, count) -> count == 1 ? null : count - 1);
  }

  /** The highest position that is safe to store for a shard whose stream watermark is {@code handled}. */
  long safePosition(int shard, long handled) {
    TreeMap<Long, Integer> pending = shards.get(shard);
    return pending.isEmpty() ? handled : Math.min(handled, pending.firstKey() - 1);
  }

  int size() {
    return shards.stream().mapToInt(TreeMap::size).sum();
  }
}
