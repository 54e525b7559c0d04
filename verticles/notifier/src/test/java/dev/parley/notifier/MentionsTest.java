package dev.parley.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MentionsTest {

  @Test
  void findsUsernamesAfterAnAt() {
    assertThat(Mentions.in("@Alice 서버 좀 봐줘, @bob_2 도")).containsExactly("alice", "bob_2");
    assertThat(Mentions.in("(@carol) 확인 부탁")).containsExactly("carol");
    assertThat(Mentions.in("@서버")).isEmpty();
  }

  @Test
  void aSentenceMayEndRightAfterTheName() {
    assertThat(Mentions.in("thanks @dave.")).containsExactly("dave.", "dave");
    assertThat(Mentions.in("ping @first.last")).containsExactly("first.last");
  }

  @Test
  void addressesAndShortNamesAreNotMentions() {
    assertThat(Mentions.in("mail bob@example.com")).isEmpty();
    assertThat(Mentions.in("@ab is too short; @@eve neither")).isEmpty();
    assertThat(Mentions.in(null)).isEmpty();
    assertThat(Mentions.in("no mentions here")).isEmpty();
  }
}
