package dev.parley.http.attachments;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.WriteStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Blobs as files under a root directory (the default storage: nothing to run besides the node). A key becomes
 * {@code root/<first 2 chars of its random part>/<key>}, so no directory grows without bound; keys are made by
 * the server ({@link Uploads}), never taken from a client.
 */
final class LocalBlobStore implements BlobStore {

  private final FileSystem fs;
  private final Path root;

  LocalBlobStore(Vertx vertx, Path root) {
    this.fs = vertx.fileSystem();
    this.root = root.toAbsolutePath();
  }

  private Path path(String key) {
    String random = key.substring(key.indexOf('-') + 1);
    return root.resolve(random.substring(0, 2)).resolve(key);
  }

  @Override
  public Future<Void> put(String key, Path file, long size, String contentType) {
    Path target = path(key);
    // A move within one file system is a rename: the blob appears whole or not at all.
    return fs.mkdirs(target.getParent().toString())
        .compose(made -> fs.move(file.toString(), target.toString(), new CopyOptions().setReplaceExisting(true)));
  }

  @Override
  public Future<Void> copyTo(String key, long offset, long length, WriteStream<Buffer> target) {
    return fs.open(path(key).toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
        .compose(file -> {
          file.setReadPos(offset);
          if (length >= 0) {
            file.setReadLength(length);
          }
          return file.pipeTo(target);
        });
  }

  @Override
  public Future<Void> delete(String key) {
    return fs.delete(path(key).toString()).recover(failure -> failure instanceof NoSuchFileException
        || failure.getCause() instanceof NoSuchFileException ? Future.succeededFuture() : Future.failedFuture(failure));
  }

  @Override
  public Future<Void> check() {
    return fs.mkdirs(root.toString());
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
