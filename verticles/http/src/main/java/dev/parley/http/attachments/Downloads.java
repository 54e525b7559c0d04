package dev.parley.http.attachments;

import dev.parley.contract.AttachmentActions;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.http.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /attachments/{id}} and {@code /attachments/{id}/thumbnail}: the bytes, to members of the room only
 * (membership is checked in MySQL on every request, so a kicked member gets 404 at once). Strong ETags (the
 * SHA-256), single byte ranges, and headers that keep a browser from ever running an upload as a page.
 */
final class Downloads {

  private static final Logger LOG = LoggerFactory.getLogger(Downloads.class);

  private final BlobStore blobs;
  private final AttachmentMetrics metrics;
  private final MetadataClient metadata;

  Downloads(BlobStore blobs, AttachmentMetrics metrics, MetadataClient metadata) {
    this.blobs = blobs;
    this.metrics = metrics;
    this.metadata = metadata;
  }

  void original(RoutingContext ctx) {
    lookUp(ctx).onSuccess(attachment -> {
      String type = attachment.getString("contentType");
      long size = attachment.getLong("size");
      HttpServerResponse response = ctx.response();
      if (notModified(ctx, attachment.getString("sha256"))) {
        return;
      }
      response.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
          .putHeader("Content-Disposition", FileNames.contentDisposition(
              MediaInspector.IMAGES.contains(type) ? "inline" : "attachment", attachment.getString("name")));
      ByteRange range;
      try {
        range = ByteRange.parse(ctx.request().getHeader("Range"), size);
      } catch (ByteRange.Unsatisfiable unsatisfiable) {
        response.setStatusCode(416).putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size).end();
        return;
      }
      if (range != null) {
        response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE, range.contentRange(size));
      }
      long start = range == null ? 0 : range.start();
      long length = range == null ? size : range.length();
      send(ctx, attachment.getString("storageKey"), type, start, length);
    }).onFailure(ctx::fail);
  }

  void thumbnail(RoutingContext ctx) {
    lookUp(ctx).onSuccess(attachment -> {
      String key = attachment.getString("thumbnailKey");
      if (key == null) {
        ctx.fail(new ParleyException(ErrorCode.NOT_FOUND, "this attachment has no thumbnail"));
        return;
      }
      if (notModified(ctx, attachment.getString("sha256") + "-thumbnail")) {
        return;
      }
      ctx.response().putHeader("Content-Disposition", "inline");
      send(ctx, key, key.endsWith(".png") ? "image/png" : "image/jpeg", 0, -1);
    }).onFailure(ctx::fail);
  }

  private Future<JsonObject> lookUp(RoutingContext ctx) {
    return metadata.call(AttachmentActions.GET,
        new JsonObject().put("userId", Principal.of(ctx).userId()).put("id", ctx.pathParam("attachmentId")));
  }

  /** A strong ETag; If-None-Match with it (or *) answers 304 without a body. */
  private static boolean notModified(RoutingContext ctx, String tag) {
    String etag = "\"" + tag + "\"";
    HttpServerResponse response = ctx.response().putHeader(HttpHeaders.ETAG, etag)
        .putHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=3600")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", "default-src 'none'; sandbox")
        .putHeader("Referrer-Policy", "no-referrer");
    String ifNoneMatch = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
    if (ifNoneMatch != null && (ifNoneMatch.trim().equals("*") || ifNoneMatch.contains(etag))) {
      response.setStatusCode(304).end();
      return true;
    }
    return false;
  }

  /** Streams the blob; {@code length} -1 is all of it (a thumbnail, sent chunked). */
  private void send(RoutingContext ctx, String key, String type, long start, long length) {
    HttpServerResponse response = ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type);
    if (length >= 0) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(length));
    } else {
      response.setChunked(true);
    }
    blobs.copyTo(key, start, length, response).onComplete(sent -> {
      if (sent.succeeded()) {
        metrics.served(response.bytesWritten());
      } else if (!response.headWritten()) {
        LOG.warn("attachment blob {} could not be read: {}", key, sent.cause().toString());
        ctx.fail(ParleyException.unavailable("the attachment store is not available, retry"));
      } else {
        // Headers are out: the only honest signal left is a broken connection, never a short "complete" body.
        response.reset();
      }
    });
  }
}
