package dev.parley.http.attachments;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Blobs in an S3-compatible object store through the AWS SDK v2 async client: its own Netty threads do the IO,
 * results come back on the caller's Vert.x context. Uploads are single PUTs from the spooled file (its length is
 * known, so nothing is buffered); downloads are ranged GETs streamed with back-pressure ({@link BlobPipe}).
 */
final class S3BlobStore implements BlobStore {

  private final Vertx vertx;
  private final AttachmentConfig.S3 config;
  private final S3AsyncClient client;

  S3BlobStore(Vertx vertx, AttachmentConfig.S3 config) {
    this.vertx = vertx;
    this.config = config;
    S3AsyncClientBuilder builder = S3AsyncClient.builder()
        .region(Region.of(config.region()))
        .forcePathStyle(config.pathStyle())
        // No bound on a whole call (a big file takes as long as it takes), but on silence: a store that stops
        // answering fails the call after timeoutMs, one that is down fails at connect.
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(config.maxConcurrency())
            .connectionTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofMillis(config.timeoutMs()))
            .writeTimeout(Duration.ofMillis(config.timeoutMs())))
        .credentialsProvider(config.accessKeyId().isEmpty() ? DefaultCredentialsProvider.builder().build()
            : StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey())));
    if (!config.endpoint().isEmpty()) {
      builder.endpointOverride(URI.create(config.endpoint()));
    }
    this.client = builder.build();
  }

  @Override
  public Future<Void> put(String key, Path file, long size, String contentType) {
    return onContext(client.putObject(request -> request.bucket(config.bucket()).key(key).contentLength(size)
        .contentType(contentType), AsyncRequestBody.fromFile(file))).mapEmpty();
  }

  @Override
  public Future<Void> copyTo(String key, long offset, long length, WriteStream<Buffer> target) {
    Context context = vertx.getOrCreateContext();
    String range = length < 0 ? null : "bytes=" + offset + "-" + (offset + length - 1);
    return onContext(client.getObject(request -> request.bucket(config.bucket()).key(key).range(range),
        AsyncResponseTransformer.toPublisher()))
        .compose(body -> {
          BlobPipe pipe = new BlobPipe(context, target);
          body.subscribe(pipe);
          return pipe.future();
        });
  }

  @Override
  public Future<Void> delete(String key) {
    return onContext(client.deleteObject(request -> request.bucket(config.bucket()).key(key))).mapEmpty();
  }

  @Override
  public Future<Void> check() {
    Future<Void> found = onContext(client.headBucket(request -> request.bucket(config.bucket()))).mapEmpty();
    if (!config.createBucket()) {
      return found;
    }
    return found.recover(failure -> failure instanceof S3Exception missing && missing.statusCode() == 404
        ? onContext(client.createBucket(request -> request.bucket(config.bucket()))).mapEmpty()
        : Future.failedFuture(failure));
  }

  @Override
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      client.close();
      return null;
    });
  }

  private <T> Future<T> onContext(CompletableFuture<T> result) {
    return Future.fromCompletionStage(result, vertx.getOrCreateContext()).recover(failure ->
        Future.failedFuture(unwrap(failure)));
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
  }
}
