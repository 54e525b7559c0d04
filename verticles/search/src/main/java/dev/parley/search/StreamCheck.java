package dev.parley.search;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Whether an index's stored position can be trusted against the outboxes it follows (persistence's {@code head}
 * of each shard, in shard order), and where a rebuild starts following.
 */
final class StreamCheck {

  private StreamCheck() {
  }

  /**
   * Why the stored position cannot be resumed from, or null when it can: per shard, the index followed another
   * stream (identity differs: the database was created anew, or the index comes from another one), its
   * watermark is ahead of everything the outbox ever held (a backup restored), or the events after it were
   * pruned. A shard with no stored identity and position 0 was added since the index was written: it starts
   * from its beginning.
   */
  static String distrust(StreamPosition stored, List<JsonObject> heads) {
    for (int shard = 0; shard < heads.size(); shard++) {
      JsonObject head = heads.get(shard);
      long watermark = shard < stored.watermarks().length ? stored.watermarks()[shard] : 0;
      String identity = shard < stored.identities().size() ? stored.identities().get(shard) : null;
      String current = head.getString("identity");
      if (identity == null ? watermark > 0 : !identity.equals(current)) {
        return "the index followed " + (identity == null ? "a stream of unknown identity" : "stream " + identity)
            + " on shard " + shard + " but the database's stream is " + current;
      }
      long pruned = head.getLong("prunedUpTo", 0L);
      long newest = Math.max(head.getLong("maxId", 0L), pruned);
      if (watermark > newest) {
        return "the index stopped at event " + watermark + " of shard " + shard + " but its outbox ends at " + newest;
      }
      if (watermark < pruned) {
        return "the index stopped at event " + watermark + " of shard " + shard + " but its outbox was pruned up to "
            + pruned;
      }
    }
    return null;
  }

  /** Each shard's stream identity. */
  static List<String> identities(List<JsonObject> heads) {
    return heads.stream().map(head -> head.getString("identity", "")).toList();
  }

  /** Where a rebuild follows each shard's stream from: a little below its newest event id. */
  static long[] rebuildFrom(List<JsonObject> heads, long slack) {
    return heads.stream().mapToLong(head -> Math.max(0, head.getLong("maxId", 0L) - slack)).toArray();
  }
}
