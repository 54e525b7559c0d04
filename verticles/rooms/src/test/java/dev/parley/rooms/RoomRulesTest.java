package dev.parley.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.ParleyException;
import org.junit.jupiter.api.Test;

class RoomRulesTest {

  @Test
  void slowModeIsWholeSecondsFromZeroToAnHour() {
    assertThat(RoomRules.slowModeSeconds(null)).isNull();
    assertThat(RoomRules.slowModeSeconds(0)).isZero();
    assertThat(RoomRules.slowModeSeconds(3600)).isEqualTo(3600);
    for (Object bad : new Object[] {-1, 3601, 1.5, "10", true}) {
      assertThatThrownBy(() -> RoomRules.slowModeSeconds(bad)).isInstanceOf(ParleyException.class)
          .satisfies(failure -> assertThat(((ParleyException) failure).field()).isEqualTo("slowModeSeconds"));
    }
  }

  @Test
  void aBanReasonIsOptionalShortText() {
    assertThat(RoomRules.reason(null)).isNull();
    assertThat(RoomRules.reason("  ")).isNull();
    assertThat(RoomRules.reason(" spam ")).isEqualTo("spam");
    assertThatThrownBy(() -> RoomRules.reason("x".repeat(501))).isInstanceOf(ParleyException.class);
    assertThatThrownBy(() -> RoomRules.reason(42)).isInstanceOf(ParleyException.class);
  }
}
