package dev.parley.http.attachments;

import dev.parley.contract.AttachmentActions;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.http.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /rooms/{id}/attachments}: one multipart part {@code file}, from a member of the room. The request
 * stays paused until the caller is known to be a member; then the part is spooled (hashed, measured, capped at
 * {@code attachments.maxBytes}), inspected on a worker, stored as a blob (and its thumbnail), and only then
 * recorded in MySQL: a store that fails leaves no row behind, a row never names a missing blob.
 */
final class Uploads {

  private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);
  /** Room for the multipart framing around the file when comparing Content-Length with the limit. */
  private static final long MULTIPART_SLACK = 64 * 1024;
  /** What an answered, refused upload may still read and drop before its connection closes (see fail). */
  private static final long DRAIN_BYTES = 1024 * 1024;
  private static final long DRAIN_MS = 5_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AttachmentConfig config;
  private final BlobStore blobs;
  private final WorkerExecutor worker;
  private final MediaInspector inspector;
  private final AttachmentMetrics metrics;
  private final MetadataClient metadata;

  Uploads(AttachmentConfig config, BlobStore blobs, WorkerExecutor worker, AttachmentMetrics metrics,
      MetadataClient metadata) {
    this.config = config;
    this.blobs = blobs;
    this.worker = worker;
    this.inspector = new MediaInspector(config.thumbnailPx(), config.maxImagePixels());
    this.metrics = metrics;
    this.metadata = metadata;
  }

  void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String roomId = ctx.pathParam("roomId");
    String userId = Principal.of(ctx).userId();
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase().startsWith("multipart/form-data")) {
      fail(ctx, ParleyException.badRequest("file", "the body must be multipart/form-data with a part named file"));
      return;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > config.maxBytes() + MULTIPART_SLACK) {
      fail(ctx, new ParleyException(ErrorCode.TOO_LARGE, "the file is over the limit of " + config.maxBytes()
          + " bytes", "file"));
      return;
    }
    metadata.call(AttachmentActions.CHECK_MEMBER, new JsonObject().put("userId", userId).put("roomId", roomId))
        .compose(member -> UploadSpool.open(worker, config.spoolPath(), config.maxBytes()))
        .compose(spool -> receive(request, spool)
            .compose(received -> store(userId, roomId, received))
            .eventually(spool::discard))
        .onSuccess(attachment -> {
          metrics.stored(attachment.getLong("size"));
          ctx.response().setStatusCode(201).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(attachment.encode());
        })
        .onFailure(failure -> fail(ctx, failure));
  }

  /** A named upload of a file part: the file spooled and the client's name for it. */
  private record Received(UploadSpool.Spooled file, String name) {
  }

  private Future<Received> receive(HttpServerRequest request, UploadSpool spool) {
    Promise<Received> received = Promise.promise();
    boolean[] taken = {false};
    request.setExpectMultipart(true);
    request.uploadHandler(upload -> {
      if (taken[0] || !"file".equals(upload.name())) {
        upload.handler(ignored -> { });
        return;
      }
      taken[0] = true;
      String name = FileNames.sanitize(upload.filename());
      spool.receive(upload).map(file -> new Received(file, name)).onComplete(received);
    });
    request.exceptionHandler(received::tryFail);
    request.endHandler(ended -> {
      if (!taken[0]) {
        received.tryFail(ParleyException.badRequest("file", "one part named file is required"));
      }
    });
    request.resume();
    return received.future();
  }

  private Future<JsonObject> store(String userId, String roomId, Received received) {
    String id = roomId + "-" + HexFormat.of().formatHex(randomBytes());
    Path file = received.file().file();
    return worker.executeBlocking(() -> inspector.inspect(file, received.name()), false).compose(media -> {
      String thumbnailKey = media.thumbnail() == null ? null : id + ".thumb";
      Future<Void> stored = blobs.put(id, file, received.file().size(), media.contentType());
      if (media.thumbnail() != null) {
        stored = stored.compose(original -> worker.executeBlocking(() -> Files.size(media.thumbnail()), false)
            .compose(size -> blobs.put(thumbnailKey, media.thumbnail(), size, media.thumbnailType())));
      }
      JsonObject row = new JsonObject().put("userId", userId).put("roomId", roomId).put("id", id)
          .put("name", received.name()).put("contentType", media.contentType()).put("size", received.file().size())
          .put("sha256", received.file().sha256()).put("width", media.width()).put("height", media.height())
          .put("storageKey", id).put("thumbnailKey", thumbnailKey);
      return stored
          .recover(failure -> Future.failedFuture(storeFailure(failure)))
          .compose(blobsStored -> metadata.call(AttachmentActions.CREATE, row))
          .onFailure(failure -> removeBlobs(id, thumbnailKey))
          .eventually(() -> media.thumbnail() == null ? Future.succeededFuture()
              : worker.executeBlocking(() -> Files.deleteIfExists(media.thumbnail()), false));
    });
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private void removeBlobs(String key, String thumbnailKey) {
    Future<Void> removed = blobs.delete(key);
    if (thumbnailKey != null) {
      removed = removed.compose(done -> blobs.delete(thumbnailKey));
    }
    removed.onFailure(failure -> LOG.warn("could not remove blob {} of a failed upload: {}", key, failure.toString()));
  }

  private static Throwable storeFailure(Throwable failure) {
    if (failure instanceof ParleyException) {
      return failure;
    }
    LOG.warn("attachment store failed: {}", failure.toString());
    return ParleyException.unavailable("the attachment store is not available, retry");
  }

  /**
   * Answers with the error; when the body was not read to its end the connection is closed after the answer,
   * so an unread (maybe huge) body is never taken as the next request. Up to {@link #DRAIN_BYTES} of the rest
   * is read and dropped first: closing with unread bytes makes the kernel reset the connection, and the client
   * then loses the answer it was sent (seen as "Connection was closed" by an outsider's small upload).
   */
  private void fail(RoutingContext ctx, Throwable failure) {
    ParleyException error = ParleyException.from(failure);
    if (error.code() == ErrorCode.INTERNAL) {
      LOG.error("upload failed", failure);
    }
    metrics.failed(error.code().wire());
    if (!ctx.request().isEnded()) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      Promise<Void> answered = Promise.promise();
      Promise<Void> drained = Promise.promise();
      ctx.response().endHandler(ended -> answered.tryComplete());
      long[] dropped = {0};
      ctx.request().handler(chunk -> {
        dropped[0] += chunk.length();
        if (dropped[0] > DRAIN_BYTES) {
          drained.tryComplete();
        }
      });
      ctx.request().endHandler(ended -> drained.tryComplete());
      ctx.request().exceptionHandler(broken -> drained.tryComplete());
      long timer = ctx.vertx().setTimer(DRAIN_MS, late -> drained.tryComplete());
      Future.all(answered.future(), drained.future()).onComplete(both -> {
        ctx.vertx().cancelTimer(timer);
        ctx.request().connection().close();
      });
      ctx.request().resume();
    }
    ctx.fail(error);
  }
}
