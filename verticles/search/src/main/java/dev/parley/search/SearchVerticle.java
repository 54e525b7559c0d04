package dev.parley.search;

import dev.parley.common.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Owns the full-text index (Lucene with the Nori analyzer for Korean) on this node's disk. */
public final class SearchVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SearchVerticle.class);

  @Override
  public Future<?> start() {
    Path indexPath = Path.of(Settings.of(config()).string("search.indexPath"));
    // Creating directories touches the disk: keep it off the event loop.
    return vertx.executeBlocking(() -> Files.createDirectories(indexPath))
        .onSuccess(dir -> LOG.info("search verticle started, index at {}", dir.toAbsolutePath()));
  }
}
