package dev.parley.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class HookSignatureTest {

  /** RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?". */
  @Test
  void isTheHexHmacSha256OfTheBody() {
    assertThat(HookSignature.of("Jefe", Buffer.buffer("what do ya want for nothing?")))
        .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void backoffDoublesUpToTheMaximum() {
    HooksConfig config = new HooksConfig(10, 100, 100, 1000, 1000, false, 1000, 1000, 2000);
    assertThat(config.backoffMs(1)).isEqualTo(100);
    assertThat(config.backoffMs(2)).isEqualTo(200);
    assertThat(config.backoffMs(4)).isEqualTo(800);
    assertThat(config.backoffMs(5)).isEqualTo(1000);
    assertThat(config.backoffMs(500)).isEqualTo(1000);
  }
}
