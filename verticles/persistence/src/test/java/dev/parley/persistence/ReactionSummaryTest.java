package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ReactionSummaryTest {

  @Test
  void emojiInFirstUseOrderWithTheirCountsAndFirstThreeUsers() {
    JsonArray summary = new ReactionSummary()
        .add("👍", "1", 4).add("🎉", "2", 1).add("👍", "3", 4).add("👍", "4", 4).add("👍", "5", 4).toJson();
    assertThat(summary).isEqualTo(new JsonArray()
        .add(new JsonObject().put("emoji", "👍").put("count", 4L).put("users", new JsonArray().add("1").add("3").add("4")))
        .add(new JsonObject().put("emoji", "🎉").put("count", 1L).put("users", new JsonArray().add("2"))));
  }

  @Test
  void noReactionsIsNoField() {
    assertThat(new ReactionSummary().toJson()).isNull();
  }

  @Test
  void threadParticipantsAreTheFirstFiveDistinctRepliers() {
    JsonArray participants = new JsonArray();
    for (String user : new String[] {"1", "2", "1", "3", "4", "5", "6", "2"}) {
      participants = ThreadReplies.withParticipant(participants, user);
    }
    assertThat(participants).isEqualTo(new JsonArray().add("1").add("2").add("3").add("4").add("5"));
  }
}
