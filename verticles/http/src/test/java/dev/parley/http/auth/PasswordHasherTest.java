package dev.parley.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.Settings;
import dev.parley.common.testing.TestConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

  private final PasswordHasher cheap = new PasswordHasher(new PasswordHasher.Params(256, 1, 1));

  @Test
  void hashIsAPhcStringThatVerifiesOnlyItsPassword() {
    String phc = cheap.hash("correct horse battery staple");

    assertThat(phc).matches("\\$argon2id\\$v=19\\$m=256,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(cheap.verify("correct horse battery staple", phc)).isTrue();
    assertThat(cheap.verify("correct horse battery stapl", phc)).isFalse();
    assertThat(cheap.verify("Correct horse battery staple", phc)).isFalse();
    assertThat(cheap.verify("", phc)).isFalse();
  }

  @Test
  void saltsAreRandom() {
    assertThat(cheap.hash("same password")).isNotEqualTo(cheap.hash("same password"));
  }

  @Test
  void unicodePasswordsAreHashedAsUtf8() {
    String phc = cheap.hash("비밀번호는 🔑 입니다");

    assertThat(cheap.verify("비밀번호는 🔑 입니다", phc)).isTrue();
    assertThat(cheap.verify("비밀번호는 🔐 입니다", phc)).isFalse();
  }

  /** The published vectors of the reference implementation (phc-winner-argon2, src/test.c). */
  @Test
  void verifiesTheReferenceImplementationsHashes() {
    assertThat(cheap.verify("password",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")).isTrue();
    assertThat(cheap.verify("password",
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc")).isTrue();
    assertThat(cheap.verify("passwore",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")).isFalse();
  }

  @Test
  void malformedOrForeignHashesNeverVerify() {
    String phc = cheap.hash("password1");
    for (String bad : new String[] {null, "", "plain", phc.replace("argon2id", "argon2i"),
        phc.replace("v=19", "v=16"), phc.substring(0, phc.length() - 5), phc + "$extra",
        "$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=4,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"}) {
      assertThat(cheap.verify("password1", bad)).as(String.valueOf(bad)).isFalse();
    }
  }

  @Test
  void weakerStoredHashesAreRecognized() {
    PasswordHasher strong = new PasswordHasher(PasswordHasher.Params.OWASP);

    assertThat(strong.needsRehash(cheap.hash("password1"))).isTrue();
    assertThat(cheap.needsRehash(cheap.hash("password1"))).isFalse();
  }

  /** The parameters shipped in conf/parley.json, not the cheap ones the other tests use. */
  @Test
  void productionParametersAreAtLeastOwaspAndWork() throws Exception {
    JsonObject shipped = new JsonObject(Files.readString(TestConfig.confDir().resolve("parley.json")));
    PasswordHasher.Params params = AuthConfig.from(Settings.of(shipped)).argon2();
    assertThat(params.atLeastOwasp()).isTrue();
    PasswordHasher production = new PasswordHasher(params);

    String phc = production.hash("a production password");

    assertThat(phc).startsWith("$argon2id$v=19$m=" + params.memoryKiB() + ",t=" + params.iterations()
        + ",p=" + params.parallelism() + "$");
    assertThat(production.verify("a production password", phc)).isTrue();
    assertThat(production.verify("a production passwore", phc)).isFalse();
    // Verification follows the stored parameters, so a cheaper node still checks it correctly.
    assertThat(cheap.verify("a production password", phc)).isTrue();
  }
}
