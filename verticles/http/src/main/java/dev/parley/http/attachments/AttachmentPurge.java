package dev.parley.http.attachments;

import dev.parley.contract.AttachmentActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic job that removes uploads never attached (after {@code attachments.orphanTtlHours}) and the
 * attachments of deleted messages. Its state is all in MySQL (creation times, tombstones), so a restart loses
 * nothing: the next round finds what is due. Rows go first (in persistence's transaction, skipping rows a send
 * holds), blobs after, so a blob is never removed under a row that names it. One round runs at a time in the
 * whole cluster (a clustered lock); several HTTP instances just take turns.
 */
final class AttachmentPurge {

  private static final Logger LOG = LoggerFactory.getLogger(AttachmentPurge.class);
  private static final String LOCK = "parley.attachments.purge";
  private static final int PAGE = 100;

  private final Vertx vertx;
  private final AttachmentConfig config;
  private final BlobStore blobs;
  private final MetadataClient metadata;
  private long timer = -1;

  AttachmentPurge(Vertx vertx, AttachmentConfig config, BlobStore blobs, MetadataClient metadata) {
    this.vertx = vertx;
    this.config = config;
    this.blobs = blobs;
    this.metadata = metadata;
  }

  void start() {
    timer = vertx.setPeriodic(config.purgeIntervalMs(), id -> runOnce()
        .onFailure(failure -> LOG.warn("attachment purge round failed: {}", failure.toString())));
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One round (also for tests): the number of blobs removed; 0 when another instance holds the round. */
  Future<Integer> runOnce() {
    return vertx.sharedData().getLockWithTimeout(LOCK, 10).transform(locked -> {
      if (locked.failed()) {
        return Future.succeededFuture(0);
      }
      return purgePages(0).eventually(() -> {
        locked.result().release();
        return Future.succeededFuture();
      });
    });
  }

  private Future<Integer> purgePages(int removedSoFar) {
    long orphanBefore = System.currentTimeMillis() - config.orphanTtlHours() * 3_600_000L;
    return metadata.call(AttachmentActions.PURGE, new JsonObject().put("orphanBefore", orphanBefore).put("limit", PAGE))
        .compose(page -> {
          List<String> keys = page.getJsonArray("keys").stream().map(String.class::cast).toList();
          Future<Void> removed = Future.succeededFuture();
          for (String key : keys) {
            removed = removed.compose(previous -> blobs.delete(key).recover(failure -> {
              LOG.warn("could not remove attachment blob {}: {}", key, failure.toString());
              return Future.succeededFuture();
            }));
          }
          return removed.compose(done -> keys.isEmpty() ? Future.succeededFuture(removedSoFar)
              : purgePages(removedSoFar + keys.size()));
        });
  }
}
