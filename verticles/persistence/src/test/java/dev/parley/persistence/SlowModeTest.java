package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import org.junit.jupiter.api.Test;

class SlowModeTest {

  private static final long NOW = 1_700_000_000_000L;

  @Test
  void aMemberWaitsUntilTheirLastSendIsSlowModeSecondsOld() {
    assertThat(SlowMode.waitMillis(10, "member", NOW - 4_000, NOW)).isEqualTo(6_000);
    assertThat(SlowMode.waitMillis(10, "member", NOW, NOW)).as("two sends in the same instant").isEqualTo(10_000);
    assertThat(SlowMode.waitMillis(10, "member", NOW - 10_000, NOW)).isZero();
    assertThat(SlowMode.waitMillis(10, "member", null, NOW)).as("a first message").isZero();
  }

  @Test
  void offOrForTheOwnerAndAdminsNobodyWaits() {
    assertThat(SlowMode.waitMillis(0, "member", NOW, NOW)).isZero();
    assertThat(SlowMode.waitMillis(10, "owner", NOW, NOW)).isZero();
    assertThat(SlowMode.waitMillis(10, "admin", NOW, NOW)).isZero();
  }

  @Test
  void theRefusalIsRateLimitedWithRetryAfterRoundedUp() {
    ParleyException refused = SlowMode.refusal(10, 6_001);
    assertThat(refused.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(refused.retryAfterSeconds()).isEqualTo(7);
    assertThat(SlowMode.refusal(10, 1).retryAfterSeconds()).isEqualTo(1);
  }
}
