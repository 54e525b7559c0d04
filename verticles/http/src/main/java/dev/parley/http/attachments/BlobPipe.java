package dev.parley.http.attachments;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.nio.ByteBuffer;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Streams a reactive publisher of byte buffers (the S3 client's response body) into a Vert.x write stream with
 * back-pressure: one buffer is requested at a time, and the next only once the target has room. Signals from the
 * client's threads hop onto the Vert.x context, where the target is written.
 */
final class BlobPipe implements Subscriber<ByteBuffer> {

  private final Context context;
  private final WriteStream<Buffer> target;
  private final Promise<Void> done = Promise.promise();
  private Subscription subscription;

  BlobPipe(Context context, WriteStream<Buffer> target) {
    this.context = context;
    this.target = target;
  }

  Future<Void> future() {
    return done.future();
  }

  @Override
  public void onSubscribe(Subscription subscription) {
    context.runOnContext(ignored -> {
      this.subscription = subscription;
      target.exceptionHandler(failure -> {
        subscription.cancel();
        done.tryFail(failure);
      });
      subscription.request(1);
    });
  }

  @Override
  public void onNext(ByteBuffer bytes) {
    byte[] copy = new byte[bytes.remaining()];
    bytes.get(copy);
    Buffer chunk = Buffer.buffer(copy);
    context.runOnContext(ignored -> {
      target.write(chunk);
      if (target.writeQueueFull()) {
        target.drainHandler(drained -> subscription.request(1));
      } else {
        subscription.request(1);
      }
    });
  }

  @Override
  public void onError(Throwable failure) {
    context.runOnContext(ignored -> done.tryFail(failure));
  }

  @Override
  public void onComplete() {
    context.runOnContext(ignored -> target.end().onComplete(done));
  }
}
