package dev.parley.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.ParleyException;
import org.junit.jupiter.api.Test;

/** What a valid room request looks like, without a node. */
class RoomRulesTest {

  @Test
  void aNameIsTrimmedAndCountedInCodePoints() {
    assertThat(RoomRules.name("  general ", true)).isEqualTo("general");
    String emoji = "\uD83D\uDE00".repeat(RoomRules.MAX_NAME_CHARS);
    assertThat(RoomRules.name(emoji, true)).isEqualTo(emoji);
    assertThatThrownBy(() -> RoomRules.name("x".repeat(RoomRules.MAX_NAME_CHARS + 1), true))
        .hasFieldOrPropertyWithValue("field", "name");
    assertThatThrownBy(() -> RoomRules.name("   ", true)).hasFieldOrPropertyWithValue("field", "name");
    assertThatThrownBy(() -> RoomRules.name(5, true)).hasFieldOrPropertyWithValue("field", "name");
    assertThat(RoomRules.name(null, false)).isNull();
    assertThatThrownBy(() -> RoomRules.name(null, true)).hasFieldOrPropertyWithValue("field", "name");
  }

  @Test
  void visibilityAndRoleAreOneOfTheirWords() {
    assertThat(RoomRules.visibility(null, "public")).isEqualTo("public");
    assertThat(RoomRules.visibility("private", "public")).isEqualTo("private");
    assertThatThrownBy(() -> RoomRules.visibility("secret", "public")).hasFieldOrPropertyWithValue("field",
        "visibility");
    assertThat(RoomRules.role(null, "member")).isEqualTo("member");
    assertThat(RoomRules.role("admin", null)).isEqualTo("admin");
    assertThatThrownBy(() -> RoomRules.role(null, null)).hasFieldOrPropertyWithValue("field", "role");
    assertThatThrownBy(() -> RoomRules.role("king", "member")).hasFieldOrPropertyWithValue("field", "role");
  }

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
