package dev.parley.common.events;

import dev.parley.common.bus.ServiceRequests;
import dev.parley.contract.Addresses;
import dev.parley.contract.StreamActions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream consumer's stored positions, one per shard, in {@code stream_cursors} (name = the consumer's) through
 * persistence. The very first start (no shard has a position) begins at the current end of every shard's stream
 * (or, {@code firstStartAtEnd} false, at the start of what each outbox kept);
 * a shard added later begins at the start of what its outbox kept. New positions are stored at once, so events
 * sent while the consumer is down later are not skipped. Positions never move back.
 */
public final class StreamCursors {

  private static final Logger LOG = LoggerFactory.getLogger(StreamCursors.class);

  private final ServiceRequests requests;
  private final String name;
  private final boolean firstStartAtEnd;
  private long[] saved;

  public StreamCursors(ServiceRequests requests, String name) {
    this(requests, name, true);
  }

  public StreamCursors(ServiceRequests requests, String name, boolean firstStartAtEnd) {
    this.requests = requests;
    this.name = name;
    this.firstStartAtEnd = firstStartAtEnd;
  }

  /** The positions to follow from; checks that persistence counts the same shards as the follower. */
  public Future<long[]> load(EventFollower follower) {
    List<Future<JsonObject>> cursors = new ArrayList<>();
    List<Future<JsonObject>> heads = new ArrayList<>();
    for (int shard = 0; shard < follower.shards(); shard++) {
      cursors.add(events(StreamActions.CURSOR_GET, new JsonObject().put("shard", shard).put("name", name)));
      heads.add(events(StreamActions.HEAD, new JsonObject().put("shard", shard)));
    }
    return Future.all(Future.all(cursors), Future.all(heads)).compose(read -> {
      heads.forEach(head -> follower.requireSameShards(head.result()));
      boolean firstStart = cursors.stream().noneMatch(cursor -> cursor.result().getBoolean("saved", false));
      long[] positions = new long[cursors.size()];
      List<Future<?>> stored = new ArrayList<>();
      for (int shard = 0; shard < positions.length; shard++) {
        JsonObject cursor = cursors.get(shard).result();
        JsonObject head = heads.get(shard).result();
        if (cursor.getBoolean("saved", false)) {
          positions[shard] = cursor.getLong("position");
        } else {
          positions[shard] = firstStart && firstStartAtEnd ? head.getLong("maxId", 0L) : head.getLong("prunedUpTo", 0L);
          stored.add(events(StreamActions.CURSOR_SET, new JsonObject().put("shard", shard).put("name", name)
              .put("position", positions[shard])));
        }
      }
      return Future.all(stored).map(done -> {
        saved = positions.clone();
        return positions;
      });
    });
  }

  /** Stores the positions that moved past the stored ones. */
  public Future<Void> save(long[] positions) {
    if (saved == null) {
      return Future.succeededFuture();
    }
    List<Future<?>> saves = new ArrayList<>();
    for (int shard = 0; shard < positions.length; shard++) {
      int saving = shard;
      long position = positions[shard];
      if (position > saved[shard]) {
        saves.add(events(StreamActions.CURSOR_SET, new JsonObject().put("shard", shard).put("name", name)
                .put("position", position))
            .onSuccess(done -> saved[saving] = Math.max(saved[saving], position))
            .onFailure(failure -> LOG.debug("{}: saving the cursor of shard {} failed: {}", name, saving,
                failure.toString())));
      }
    }
    return Future.all(saves).mapEmpty();
  }

  /** Stream reads and cursor saves (a cursor never moves back): safe to repeat. */
  private Future<JsonObject> events(String action, JsonObject body) {
    return requests.idempotent(Addresses.PERSISTENCE_EVENTS, action, body);
  }
}
