package dev.parley.http.attachments;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Takes an upload's bytes into a temporary file, computing its SHA-256 and size on the way. Writing and hashing run
 * on a worker, chunk after chunk in order; the upload is paused while {@link #HIGH_WATER} chunks wait, so memory
 * per upload stays a few hundred KiB whatever the file's size. Past {@code maxBytes} it fails at once with
 * {@code too_large} and keeps nothing.
 */
final class UploadSpool {

  private static final int HIGH_WATER = 8;
  private static final int LOW_WATER = 2;

  /** A complete upload in its temporary file. */
  record Spooled(Path file, long size, String sha256) {
  }

  private final WorkerExecutor worker;
  private final Path file;
  private final FileChannel channel;
  private final MessageDigest digest;
  private final long maxBytes;
  private final Promise<Spooled> result = Promise.promise();
  private Future<Void> tail = Future.succeededFuture();
  private long size;
  private int pending;
  private boolean paused;

  private UploadSpool(WorkerExecutor worker, Path file, FileChannel channel, long maxBytes) {
    this.worker = worker;
    this.file = file;
    this.channel = channel;
    this.maxBytes = maxBytes;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /** Opens a fresh temporary file in {@code dir} on the worker. */
  static Future<UploadSpool> open(WorkerExecutor worker, Path dir, long maxBytes) {
    return worker.executeBlocking(() -> {
      Files.createDirectories(dir);
      Path file = Files.createTempFile(dir, "upload-", ".part");
      return new UploadSpool(worker, file, FileChannel.open(file, StandardOpenOption.WRITE), maxBytes);
    }, false);
  }

  /** Reads the stream to its end; the future fails with too_large as soon as the stream passes the limit. */
  Future<Spooled> receive(ReadStream<Buffer> upload) {
    upload.handler(chunk -> {
      if (result.future().isComplete()) {
        return;
      }
      size += chunk.length();
      if (size > maxBytes) {
        fail(upload, new ParleyException(ErrorCode.TOO_LARGE, "the file is over the limit of " + maxBytes + " bytes",
            "file"));
        return;
      }
      pending++;
      tail = tail.compose(previous -> worker.executeBlocking(() -> write(chunk), false));
      tail.onComplete(written -> {
        pending--;
        if (written.failed()) {
          fail(upload, written.cause());
        } else if (paused && pending <= LOW_WATER) {
          paused = false;
          upload.resume();
        }
      });
      if (pending >= HIGH_WATER && !paused) {
        paused = true;
        upload.pause();
      }
    });
    upload.exceptionHandler(failure -> fail(upload, failure));
    upload.endHandler(ended -> tail
        .compose(written -> worker.executeBlocking(() -> {
          channel.force(false);
          channel.close();
          return new Spooled(file, size, HexFormat.of().formatHex(digest.digest()));
        }, false))
        .onComplete(done -> {
          if (done.failed()) {
            fail(upload, done.cause());
          } else {
            result.tryComplete(done.result());
          }
        }));
    return result.future();
  }

  private Void write(Buffer chunk) {
    try {
      // A view of Netty's (direct) buffer: hashed and written without a copy on the heap.
      ByteBuffer bytes = ((BufferInternal) chunk).getByteBuf().nioBuffer();
      digest.update(bytes.duplicate());
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      return null;
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }

  /** Fails the upload, keeps reading (and dropping) the rest so the client gets its answer, and removes the file. */
  private void fail(ReadStream<Buffer> upload, Throwable cause) {
    if (!result.tryFail(cause)) {
      return;
    }
    if (paused) {
      paused = false;
      upload.resume();
    }
    discard();
  }

  /** Removes the temporary file (after a failure, or when the upload was not kept). */
  Future<Void> discard() {
    return tail.eventually(() -> worker.executeBlocking(() -> {
      channel.close();
      Files.deleteIfExists(file);
      return null;
    }, false));
  }
}
