package dev.parley.http.attachments;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.nio.file.Path;

/**
 * Where attachment bytes live: a key per blob, written once from a spooled file and streamed back in ranges.
 * Implementations never hold a whole blob in memory and never block the event loop.
 */
interface BlobStore {

  /** Stores the file's bytes under the key (the file itself may be moved, not copied). */
  Future<Void> put(String key, Path file, long size, String contentType);

  /**
   * Writes {@code length} bytes (-1: to the end) from {@code offset} to the target and ends it; fails before the
   * first byte when the blob is gone.
   */
  Future<Void> copyTo(String key, long offset, long length, WriteStream<Buffer> target);

  /** Removes the blob; a missing one is not an error. */
  Future<Void> delete(String key);

  /** Succeeds when the store answers (readiness). */
  Future<Void> check();

  Future<Void> close();

  static BlobStore create(Vertx vertx, AttachmentConfig config) {
    return config.storage().equals("s3") ? new S3BlobStore(vertx, config.s3()) : new LocalBlobStore(vertx, config.localPath());
  }
}
