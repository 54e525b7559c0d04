package dev.parley.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a stored index position may be resumed from, against the outbox heads persistence reports. */
class StreamCheckTest {

  private static JsonObject head(String identity, long maxId, long pruned) {
    return new JsonObject().put("identity", identity).put("maxId", maxId).put("prunedUpTo", pruned).put("minId", 1);
  }

  private static StreamPosition at(long watermark, String identity) {
    return new StreamPosition(new long[] {watermark}, List.of(identity));
  }

  @Test
  void theSameStreamAtOrBehindItsHeadIsResumed() {
    assertThat(StreamCheck.distrust(at(40, "a"), List.of(head("a", 50, 0)))).isNull();
    assertThat(StreamCheck.distrust(at(50, "a"), List.of(head("a", 50, 0)))).isNull();
    assertThat(StreamCheck.distrust(at(0, "a"), List.of(head("a", 0, 0)))).as("nothing sent yet").isNull();
    assertThat(StreamCheck.distrust(at(90, "a"), List.of(head("a", 0, 90)))).as("everything pruned").isNull();
  }

  @Test
  void anotherStreamIsNot() {
    assertThat(StreamCheck.distrust(at(3, "old"), List.of(head("new", 50, 0))))
        .contains("stream old", "stream is new");
    assertThat(StreamCheck.distrust(new StreamPosition(new long[] {3}, List.of()), List.of(head("new", 50, 0))))
        .as("an index written before streams had identities").contains("unknown identity");
  }

  @Test
  void aPositionAheadOfTheOutboxOrBelowItsPruningIsNot() {
    assertThat(StreamCheck.distrust(at(80, "a"), List.of(head("a", 50, 0)))).contains("ends at 50");
    assertThat(StreamCheck.distrust(at(10, "a"), List.of(head("a", 50, 20)))).contains("pruned up to 20");
  }

  @Test
  void aShardAddedSinceTheIndexWasWrittenStartsFromItsBeginning() {
    assertThat(StreamCheck.distrust(at(40, "a"), List.of(head("a", 50, 0), head("b", 7, 0)))).isNull();
    assertThat(StreamCheck.rebuildFrom(List.of(head("a", 50, 0), head("b", 70_000, 0)), 50_000))
        .containsExactly(0, 20_000);
  }
}
