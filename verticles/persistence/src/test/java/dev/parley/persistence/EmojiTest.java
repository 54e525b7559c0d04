package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import org.junit.jupiter.api.Test;

class EmojiTest {

  @Test
  void unicodeEmojiSequencesAreAccepted() {
    // A single emoji, a modifier sequence, a ZWJ family, a flag, a keycap, a tag sequence (England).
    for (String emoji : new String[] {"👍", "👍🏽", "👨‍👩‍👧‍👦", "🇰🇷", "1️⃣", "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "❤️"}) {
      assertThat(Emoji.canonical(emoji)).isEqualTo(emoji);
    }
  }

  @Test
  void anEmojiWithoutItsVariationSelectorIsTheQualifiedOne() {
    assertThat(Emoji.canonical("\u2764")).isEqualTo("\u2764\uFE0F");
  }

  @Test
  void shortcodesAreAccepted() {
    assertThat(Emoji.canonical(":party_parrot:")).isEqualTo(":party_parrot:");
    assertThat(Emoji.canonical(":+1:")).isEqualTo(":+1:");
  }

  @Test
  void textAndLookalikesAreRefused() {
    for (String bad : new String[] {"", "a", "hello", "👍 ", "👍👍", "x👍", "1", "#", ":Upper:", "::",
        ":" + "a".repeat(33) + ":", "<script>", "\u200d", "🇰", "\uD83D"}) {
      assertThatThrownBy(() -> Emoji.canonical(bad)).as(bad).isInstanceOfSatisfying(ParleyException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.field()).isEqualTo("emoji");
      });
    }
    assertThatThrownBy(() -> Emoji.canonical(null)).isInstanceOf(ParleyException.class);
  }
}
