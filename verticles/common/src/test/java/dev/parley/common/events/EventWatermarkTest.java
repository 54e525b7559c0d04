package dev.parley.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventWatermarkTest {

  private static final long T0 = 1_000_000L;

  @Test
  void consecutiveIdsMoveTheLowWatermark() {
    EventWatermark watermark = new EventWatermark(10, 60_000);
    for (long id = 11; id <= 20; id++) {
      assertThat(watermark.handled(id, T0, T0)).isTrue();
    }
    assertThat(watermark.low()).isEqualTo(20);
    assertThat(watermark.high()).isEqualTo(20);
    assertThat(watermark.runs()).isZero();
    assertThat(watermark.handled(15, T0, T0)).as("seen before").isFalse();
  }

  @Test
  void anIdCommittedLateHoldsTheWatermarkUntilItArrives() {
    EventWatermark watermark = new EventWatermark(0, 60_000);
    watermark.handled(1, T0, T0);
    watermark.handled(3, T0, T0);
    watermark.handled(4, T0, T0);
    assertThat(watermark.low()).isEqualTo(1);
    assertThat(watermark.high()).isEqualTo(4);
    assertThat(watermark.gaps(T0 + 10, 10)).containsExactly(new EventWatermark.Gap(2, 2, 10));
    assertThat(watermark.contains(3)).isTrue();
    assertThat(watermark.contains(2)).isFalse();

    assertThat(watermark.handled(2, T0, T0 + 20)).isTrue();
    assertThat(watermark.low()).isEqualTo(4);
    assertThat(watermark.gaps(T0 + 20, 10)).isEmpty();
  }

  @Test
  void aRolledBackRangeIsGivenUpAfterTheTimeoutCountedFromTheIdAboveIt() {
    EventWatermark watermark = new EventWatermark(100, 5_000);
    watermark.handled(106, T0, T0);
    watermark.handled(107, T0, T0);
    watermark.handled(110, T0 + 3_000, T0 + 3_000);
    assertThat(watermark.gaps(T0 + 3_000, 10)).containsExactly(
        new EventWatermark.Gap(101, 105, 3_000), new EventWatermark.Gap(108, 109, 0));

    watermark.advance(T0 + 4_999);
    assertThat(watermark.low()).isEqualTo(100);
    watermark.advance(T0 + 5_000);
    assertThat(watermark.low()).as("101-105 given up, 108-109 still young").isEqualTo(107);
    watermark.advance(T0 + 8_000);
    assertThat(watermark.low()).isEqualTo(110);
    assertThat(watermark.givenUp()).isEqualTo(7);
    assertThat(watermark.handled(103, T0, T0 + 9_000)).as("too late: below the watermark").isFalse();
  }

  @Test
  void oldEventsMakeTheirGapsOldAtOnce() {
    // Catching up after an outage: the first event above the watermark is an hour old, so the ids below it
    // were allocated at least an hour ago and can only be rollbacks.
    EventWatermark watermark = new EventWatermark(0, 60_000);
    watermark.handled(5, T0 - 3_600_000, T0);
    assertThat(watermark.low()).isEqualTo(5);
  }

  @Test
  void runsMergeFromBothSides() {
    EventWatermark watermark = new EventWatermark(0, 60_000);
    watermark.handled(5, T0, T0);
    watermark.handled(7, T0, T0);
    watermark.handled(6, T0, T0);
    assertThat(watermark.runs()).isEqualTo(1);
    watermark.handled(3, T0, T0);
    assertThat(watermark.gaps(T0, 10)).extracting(EventWatermark.Gap::from, EventWatermark.Gap::to)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 2L), org.assertj.core.groups.Tuple.tuple(4L, 4L));
    watermark.handled(1, T0, T0);
    watermark.handled(2, T0, T0);
    watermark.handled(4, T0, T0);
    assertThat(watermark.low()).isEqualTo(7);
    assertThat(watermark.runs()).isZero();
  }
}
