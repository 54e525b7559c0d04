package dev.parley.http.attachments;

import dev.parley.common.HealthChecks;
import dev.parley.common.Meters;
import dev.parley.common.Settings;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;

/**
 * The Attachments part of the contract on the HTTP verticle: the upload (mounted on the top router, ahead of the
 * API's body handler, so the file is streamed and never buffered), downloads and thumbnails, the blob store and
 * the purge job.
 */
public final class AttachmentRoutes {

  private static final String WORKER_POOL = "parley-attachments";

  private final Vertx vertx;
  private final AttachmentConfig config;
  private final BlobStore blobs;
  private final WorkerExecutor worker;
  private final MetadataClient metadata;
  private final AttachmentMetrics metrics = new AttachmentMetrics(Meters.registry());
  private final AttachmentPurge purge;
  private MessageConsumer<JsonObject> healthCheck;

  public AttachmentRoutes(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.config = AttachmentConfig.from(settings);
    this.blobs = BlobStore.create(vertx, config);
    // File IO, hashing and image work of every upload of the node; shared by the verticle's instances.
    this.worker = vertx.createSharedWorkerExecutor(WORKER_POOL, 4, 5, TimeUnit.MINUTES);
    this.metadata = new MetadataClient(vertx, config.requestTimeoutMs());
    this.purge = new AttachmentPurge(vertx, config, blobs, metadata);
  }

  /**
   * Mounts the upload on {@code router} under {@code prefix} (before the API sub-router), behind
   * {@code authenticate}; the request is paused first, so no byte is lost while the token is checked.
   */
  public void mountUpload(Router router, String prefix, Handler<RoutingContext> authenticate) {
    Uploads uploads = new Uploads(config, blobs, worker, metrics, metadata);
    router.post(prefix + "/rooms/:roomId/attachments")
        .handler(ctx -> {
          ctx.request().pause();
          ctx.next();
        })
        .handler(authenticate)
        .handler(uploads::handle);
    // Browsers' <img> cannot send headers: ?token= stands for the Authorization header, on downloads only.
    router.get(prefix + "/attachments/*").handler(ctx -> {
      String token = ctx.request().getParam("token");
      if (token != null && ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
        ctx.request().headers().set(HttpHeaders.AUTHORIZATION, "Bearer " + token);
      }
      ctx.next();
    });
  }

  /** Mounts downloads on the API router, after its authentication handler. */
  public void mount(Router api) {
    Downloads downloads = new Downloads(blobs, metrics, metadata);
    api.get("/attachments/:attachmentId").handler(downloads::original);
    api.get("/attachments/:attachmentId/thumbnail").handler(downloads::thumbnail);
  }

  public Future<Void> start() {
    return HealthChecks.register(vertx, "attachments", blobs::check).map(registered -> {
      healthCheck = registered;
      purge.start();
      return null;
    });
  }

  public Future<Void> stop() {
    purge.stop();
    Future<Void> unregistered = healthCheck == null ? Future.succeededFuture()
        : HealthChecks.unregister(vertx, healthCheck);
    return unregistered.eventually(blobs::close).eventually(worker::close);
  }
}
