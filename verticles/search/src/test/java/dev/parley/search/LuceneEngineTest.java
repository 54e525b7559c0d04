package dev.parley.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.MessageEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's reader refresh: periodic while searched, and a search after a quiet spell refreshes first. */
class LuceneEngineTest {

  private static final long REFRESH_MS = 20;
  private static final long NOW = 1_800_000_000_000L;

  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private LuceneEngine engine;

  @AfterEach
  void close() throws Exception {
    if (engine != null) {
      onLoop(() -> engine.close(null));
    }
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private Future<Void> after(long ms) {
    Promise<Void> waited = Promise.promise();
    vertx.setTimer(ms, id -> waited.complete());
    return waited.future();
  }

  private static MessageEvent message(long seq, String text) {
    return new MessageEvent(seq, 0, MessageEvent.CREATED, NOW, "1", "group", seq, "7", text, NOW, null, false);
  }

  /** The engine is event-loop confined, as in the search verticle. */
  private <T> T onLoop(Supplier<Future<T>> action) throws Exception {
    Promise<T> done = Promise.promise();
    context.runOnContext(ignored -> action.get().onComplete(done));
    return await(done.future());
  }

  private List<String> find(String text) throws Exception {
    return onLoop(() -> engine.search(text, Set.of("1"), 20, NOW, 7 * 24 * 3_600_000L))
        .stream().map(SearchIndex.Hit::id).toList();
  }

  @Test
  void aSearchAfterAQuietSpellSeesWhatWasIndexedMeanwhile() throws Exception {
    engine = new LuceneEngine(vertx, new SearchSettings(dir, REFRESH_MS, 60_000, 16, 1, 256, 20, 100, 168, 1000,
        50_000, 10_000, null));
    onLoop(engine::open);
    assertThat(find("hello")).isEmpty();
    // Long enough without a search that the timer stops refreshing the reader.
    await(after(REFRESH_MS * LuceneEngine.IDLE_REFRESHES * 3));
    onLoop(() -> engine.apply(List.of(message(1, "hello world"))));
    await(after(REFRESH_MS * 5));
    // No refresh ran since (idle), so only the search's own refresh can show the message.
    assertThat(find("hello")).containsExactly("1-1");
  }

  @Test
  void whileSearchedTheReaderFollowsWithinAFewPeriods() throws Exception {
    engine = new LuceneEngine(vertx, new SearchSettings(dir, REFRESH_MS, 60_000, 16, 1, 256, 20, 100, 168, 1000,
        50_000, 10_000, null));
    onLoop(engine::open);
    assertThat(find("hello")).isEmpty();
    onLoop(() -> engine.apply(List.of(message(1, "hello world"))));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> found = find("hello");
    while (found.isEmpty() && System.nanoTime() < deadline) {
      await(after(REFRESH_MS));
      found = find("hello");
    }
    assertThat(found).containsExactly("1-1");
  }
}
