package dev.parley.rooms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
