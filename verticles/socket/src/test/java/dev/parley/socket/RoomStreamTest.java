package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The room-stream rules with a fake history, a fake clock and a fake socket: every order events can come in. */
class RoomStreamTest {

  /** The room's committed messages; reads are answered at once unless held or made to fail. */
  static final class FakeHistory implements RoomStream.History {
    long lastSeq;
    int failNext;
    boolean hold;
    final ArrayDeque<Runnable> held = new ArrayDeque<>();
    final List<Long> reads = new ArrayList<>();

    void commit(long upTo) {
      lastSeq = Math.max(lastSeq, upTo);
    }

    @Override
    public Future<JsonObject> after(long seq, int limit) {
      reads.add(seq);
      Promise<JsonObject> page = Promise.promise();
      Runnable answer = () -> {
        if (failNext > 0) {
          failNext--;
          page.fail("the node that served the read is gone");
          return;
        }
        JsonArray messages = new JsonArray();
        for (long s = seq + 1; s <= lastSeq && messages.size() < limit; s++) {
          messages.add(message(s));
        }
        long shownUpTo = seq + messages.size();
        page.complete(new JsonObject().put("messages", messages).put("hasMore", shownUpTo < lastSeq)
            .put("lastSeq", lastSeq));
      };
      if (hold) {
        held.add(answer);
      } else {
        answer.run();
      }
      return page.future();
    }

    void answerHeld() {
      hold = false;
      while (!held.isEmpty()) {
        held.poll().run();
      }
    }
  }

  /** A clock that moves only when told. */
  static final class FakeTimers implements RoomStream.Timers {
    long now;
    final TreeMap<Long, List<Runnable>> due = new TreeMap<>();

    @Override
    public void schedule(long delayMs, Runnable task) {
      due.computeIfAbsent(now + delayMs, at -> new ArrayList<>()).add(task);
    }

    void advance(long ms) {
      long until = now + ms;
      while (!due.isEmpty() && due.firstKey() <= until) {
        var next = due.pollFirstEntry();
        now = next.getKey();
        next.getValue().forEach(Runnable::run);
      }
      now = until;
    }
  }

  static JsonObject message(long seq) {
    return new JsonObject().put("id", "9-" + seq).put("roomId", "9").put("seq", seq).put("text", "m" + seq);
  }

  static Frame live(long seq) {
    return new Frame(message(seq).put("type", "message").encode());
  }

  final FakeHistory history = new FakeHistory();
  final FakeTimers timers = new FakeTimers();
  final List<JsonObject> sent = new ArrayList<>();

  RoomStream stream(boolean holding) {
    return new RoomStream("9", holding, frame -> sent.add(new JsonObject(frame.text)), history, timers, 1000);
  }

  List<Long> seqs() {
    return sent.stream().filter(frame -> "message".equals(frame.getString("type")))
        .map(frame -> frame.getLong("seq")).toList();
  }

  List<JsonObject> gaps() {
    return sent.stream().filter(frame -> "gap".equals(frame.getString("type"))).toList();
  }

  static List<Long> range(long from, long to) {
    List<Long> seqs = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      seqs.add(s);
    }
    return seqs;
  }

  /** Commits and publishes seq (the event reaches the stream). */
  void publish(RoomStream stream, long seq) {
    history.commit(seq);
    stream.onMessage(seq, live(seq));
  }

  @Test
  void liveMessagesInOrderGoStraightThrough() {
    RoomStream stream = stream(false);
    stream.started(0);
    for (long s = 1; s <= 5; s++) {
      publish(stream, s);
    }
    publish(stream, 3);
    assertThat(seqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(history.reads).isEmpty();
  }

  @Test
  void aHoleSeenLiveIsReadFromHistory() {
    RoomStream stream = stream(false);
    stream.started(0);
    publish(stream, 1);
    history.commit(2);
    publish(stream, 3);
    publish(stream, 4);
    assertThat(seqs()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(history.reads).containsExactly(1L);
  }

  @Test
  void eventsWaitingForAFillComeAfterItInOrder() {
    RoomStream stream = stream(false);
    stream.started(0);
    history.hold = true;
    history.commit(2);
    publish(stream, 3);
    publish(stream, 5);
    publish(stream, 4);
    assertThat(seqs()).isEmpty();
    history.answerHeld();
    assertThat(seqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void heldMessagesAreReleasedInOrderWhenTheGraceEnds() {
    RoomStream stream = stream(true);
    stream.started(1);
    publish(stream, 3);
    publish(stream, 2);
    assertThat(seqs()).isEmpty();
    stream.release();
    assertThat(seqs()).containsExactly(2L, 3L);
  }

  @Test
  void aResumeWhileHoldingReplaysTheBacklogThenWhatWasHeld() {
    history.commit(10);
    RoomStream stream = stream(true);
    stream.started(10);
    publish(stream, 12);
    publish(stream, 11);
    RoomStream.Resumed resumed = result(stream.resume(7));
    assertThat(resumed).isEqualTo(new RoomStream.Resumed(true, 12));
    assertThat(seqs()).containsExactly(8L, 9L, 10L, 11L, 12L);
  }

  @Test
  void aResumeFromTheStartNeedsNoHistory() {
    history.commit(10);
    RoomStream stream = stream(true);
    stream.started(10);
    publish(stream, 11);
    assertThat(result(stream.resume(10))).isEqualTo(new RoomStream.Resumed(true, 11));
    assertThat(seqs()).containsExactly(11L);
    assertThat(history.reads).isEmpty();
  }

  @Test
  void aResumeAfterTheGraceBelowWhatWasSentIsNotRecoveredAndNeverRepeats() {
    history.commit(36363);
    RoomStream stream = stream(true);
    stream.started(36452);
    history.commit(36452);
    publish(stream, 36453);
    stream.release();
    assertThat(seqs()).containsExactly(36453L);
    RoomStream.Resumed late = result(stream.resume(36363));
    assertThat(late.recovered()).isFalse();
    assertThat(late.lastSeq()).isEqualTo(36453L);
    publish(stream, 36454);
    assertThat(seqs()).containsExactly(36453L, 36454L);
    assertThat(history.reads).isEmpty();
  }

  @Test
  void aResumeAfterTheGraceWithNothingSentYetStillReplays() {
    history.commit(100);
    RoomStream stream = stream(true);
    stream.started(100);
    stream.release();
    assertThat(result(stream.resume(90))).isEqualTo(new RoomStream.Resumed(true, 100));
    publish(stream, 101);
    assertThat(seqs()).isEqualTo(range(91, 101));
  }

  @Test
  void aResumeAfterTheGraceAtWhatWasSentIsRecovered() {
    history.commit(100);
    RoomStream stream = stream(true);
    stream.started(100);
    stream.release();
    publish(stream, 101);
    assertThat(result(stream.resume(100))).isEqualTo(new RoomStream.Resumed(true, 101));
    assertThat(seqs()).containsExactly(101L);
  }

  @Test
  void aResumeDuringAFillDecidesOnWhatTheFillSent() {
    history.commit(10);
    RoomStream stream = stream(true);
    stream.started(10);
    history.commit(11);
    publish(stream, 12);
    history.hold = true;
    stream.release();
    Future<RoomStream.Resumed> resumed = stream.resume(5);
    assertThat(resumed.isComplete()).isFalse();
    history.answerHeld();
    assertThat(result(resumed).recovered()).isFalse();
    assertThat(seqs()).containsExactly(11L, 12L);
  }

  @Test
  void aFailedFillIsRetriedAndNothingIsSkipped() {
    RoomStream stream = stream(false);
    stream.started(0);
    publish(stream, 1);
    history.commit(2);
    history.failNext = 2;
    publish(stream, 3);
    assertThat(seqs()).containsExactly(1L);
    timers.advance(100);
    assertThat(seqs()).containsExactly(1L);
    timers.advance(400);
    assertThat(seqs()).containsExactly(1L, 2L, 3L);
    assertThat(gaps()).isEmpty();
  }

  @Test
  void aHoleIsStillFilledAfterAHistoryOutageLongerThanTwoSeconds() {
    RoomStream stream = stream(false);
    stream.started(0);
    publish(stream, 1);
    history.commit(2);
    // Reads at 0, 0.1, 0.5 and 2.1 s fail (the node that served them died); the one at 8.5 s answers.
    history.failNext = 4;
    publish(stream, 3);
    timers.advance(2_100);
    assertThat(seqs()).containsExactly(1L);
    assertThat(gaps()).isEmpty();
    timers.advance(6_400);
    assertThat(seqs()).containsExactly(1L, 2L, 3L);
    assertThat(gaps()).isEmpty();
  }

  @Test
  void aHoleThatCannotBeFilledIsReportedWithAGapFrame() {
    RoomStream stream = stream(false);
    stream.started(0);
    publish(stream, 1);
    history.commit(2);
    history.failNext = 100;
    publish(stream, 3);
    timers.advance(10_000);
    assertThat(gaps()).hasSize(1);
    assertThat(gaps().get(0)).isEqualTo(new JsonObject().put("type", "gap").put("room", "9").put("after", 1L)
        .put("next", 3L));
    // The gap frame comes before the messages above the hole.
    assertThat(sent.get(1).getString("type")).isEqualTo("gap");
    assertThat(seqs()).containsExactly(1L, 3L);
    publish(stream, 4);
    assertThat(seqs()).containsExactly(1L, 3L, 4L);
  }

  @Test
  void historyThatDoesNotShowTheHoleYetIsAskedAgain() {
    RoomStream stream = stream(false);
    stream.started(0);
    publish(stream, 1);
    stream.onMessage(3, live(3));
    history.commit(1);
    timers.advance(100);
    history.commit(3);
    timers.advance(400);
    assertThat(seqs()).containsExactly(1L, 2L, 3L);
    assertThat(gaps()).isEmpty();
  }

  @Test
  void tooFarBehindIsNotRecoveredAndLiveMessagesFlow() {
    history.commit(5000);
    RoomStream stream = stream(true);
    stream.started(5000);
    publish(stream, 5001);
    assertThat(result(stream.resume(10))).isEqualTo(new RoomStream.Resumed(false, 5001));
    assertThat(seqs()).containsExactly(5001L);
  }

  @Test
  void aLongBacklogIsReplayedPageByPage() {
    history.commit(450);
    RoomStream stream = stream(true);
    stream.started(450);
    assertThat(result(stream.resume(0))).isEqualTo(new RoomStream.Resumed(true, 450));
    assertThat(seqs()).isEqualTo(range(1, 450));
    assertThat(history.reads).containsExactly(0L, 200L, 400L);
  }

  @Test
  void aClosedStreamSendsNothing() {
    RoomStream stream = stream(false);
    stream.started(0);
    stream.close();
    publish(stream, 1);
    assertThat(sent).isEmpty();
  }

  @Test
  void eventsBeforeTheStartIsKnownAreNotLost() {
    history.commit(7);
    RoomStream stream = stream(false);
    publish(stream, 8);
    stream.started(8);
    assertThat(seqs()).containsExactly(8L);
  }

  /**
   * Any order, with repeats, with holes that only history has, a hold released or resumed at any point: the
   * client gets every message from its start exactly once, in order.
   */
  @Test
  void anyInterleavingYieldsExactlyTheMessagesInOrder() {
    for (int run = 0; run < 500; run++) {
      Random random = new Random(run);
      sent.clear();
      history.reads.clear();
      history.lastSeq = 20;
      RoomStream stream = stream(random.nextBoolean());
      List<Long> events = new ArrayList<>();
      for (long s = 21; s <= 60; s++) {
        if (random.nextInt(5) > 0) {
          events.add(s);
        }
        if (random.nextInt(8) == 0) {
          events.add(s);
        }
      }
      Collections.shuffle(events, random);
      history.commit(60);
      int startAt = random.nextInt(events.size() + 1);
      int releaseAt = random.nextInt(events.size() + 1);
      long position = 20 - random.nextInt(5);
      boolean resumes = random.nextBoolean();
      Future<RoomStream.Resumed> resumed = null;
      for (int i = 0; i <= events.size(); i++) {
        if (i == startAt) {
          stream.started(20);
        }
        if (i == releaseAt) {
          if (resumes) {
            resumed = stream.resume(position);
          } else {
            stream.release();
          }
        }
        if (i < events.size()) {
          stream.onMessage(events.get(i), live(events.get(i)));
        }
      }
      stream.release();
      stream.onMessage(61, live(61));
      history.commit(61);
      List<Long> got = seqs();
      assertThat(got).as("run %d", run).isSorted().doesNotHaveDuplicates();
      assertThat(got).as("run %d", run).endsWith(61L);
      long first = got.get(0);
      assertThat(got).as("run %d", run).isEqualTo(range(first, 61));
      if (resumed != null && result(resumed).recovered()) {
        assertThat(first).as("run %d: recovered from %d", run, position).isEqualTo(position + 1);
      }
      assertThat(gaps()).as("run %d", run).isEmpty();
    }
  }

  static <T> T result(Future<T> future) {
    assertThat(future.isComplete()).as("completed").isTrue();
    return future.result();
  }
}
