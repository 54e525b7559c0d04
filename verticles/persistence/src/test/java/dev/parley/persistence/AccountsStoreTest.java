package dev.parley.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The accounts addresses against the real MariaDB: uniqueness, single-use refresh tokens, races, revocation. */
class AccountsStoreTest {

  private static PersistenceFixture fixture;

  @BeforeAll
  static void deploy() {
    // Two instances, so that concurrent requests really run in concurrent transactions.
    fixture = PersistenceFixture.deploy(2);
  }

  @AfterAll
  static void close() {
    fixture.close();
  }

  private static Future<JsonObject> ask(String address, JsonObject body) {
    return fixture.vertx.eventBus().<JsonObject>request(address, body).map(Message::body);
  }

  private static ParleyException error(Future<?> future) {
    return ParleyException.from(Await.failure(future));
  }

  private static String unique(String stem) {
    return stem + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static String hash() {
    return UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
  }

  /** A registration: the user and its first session, whose refresh token hash is returned. */
  private record Account(JsonObject user, String sessionId, String refreshHash) {
  }

  private static Future<Account> register(String username) {
    String sessionId = UUID.randomUUID().toString();
    String refreshHash = hash();
    return ask(Addresses.ACCOUNTS_REGISTER, new JsonObject()
        .put("username", username).put("displayName", "Display " + username).put("passwordHash", "$argon2id$x")
        .put("sessionId", sessionId).put("refreshTokenHash", refreshHash)
        .put("refreshExpiresAt", System.currentTimeMillis() + 60_000))
        .map(reply -> new Account(reply.getJsonObject("user"), sessionId, refreshHash));
  }

  private static Future<JsonObject> refresh(String presented, String next) {
    return ask(Addresses.ACCOUNTS_REFRESH, new JsonObject().put("refreshTokenHash", presented)
        .put("newRefreshTokenHash", next).put("newRefreshExpiresAt", System.currentTimeMillis() + 60_000));
  }

  private static boolean active(String sessionId) {
    return Await.result(ask(Addresses.ACCOUNTS_SESSION_STATUS, new JsonObject().put("sessionId", sessionId)))
        .getBoolean("active");
  }

  @Test
  void registerStoresTheUserAndItsCredentialsAreFoundInAnyCase() {
    String name = unique("Alice");
    Account account = Await.result(register(name));

    assertThat(account.user().getString("id")).matches("\\d+");
    assertThat(account.user().getString("username")).isEqualTo(name);
    assertThat(account.user().fieldNames()).containsExactlyInAnyOrder("id", "username", "displayName");
    assertThat(active(account.sessionId())).isTrue();

    JsonObject found = Await.result(ask(Addresses.ACCOUNTS_CREDENTIALS,
        new JsonObject().put("username", name.toUpperCase())));
    assertThat(found.getBoolean("found")).isTrue();
    assertThat(found.getString("passwordHash")).isEqualTo("$argon2id$x");
    assertThat(found.getJsonObject("user")).isEqualTo(account.user());

    assertThat(Await.result(ask(Addresses.ACCOUNTS_CREDENTIALS, new JsonObject().put("username", unique("nobody")))))
        .isEqualTo(new JsonObject().put("found", false));
  }

  @Test
  void concurrentRegistrationsOfCaseVariantsLeaveExactlyOneUser() {
    String name = unique("bob");
    List<Future<Account>> attempts = new ArrayList<>();
    for (String variant : List.of(name, name.toUpperCase(), "B" + name.substring(1), name, name.toUpperCase())) {
      attempts.add(register(variant));
    }
    Await.result(Future.join(attempts).otherwiseEmpty());

    assertThat(attempts.stream().filter(Future::succeeded)).hasSize(1);
    for (Future<Account> attempt : attempts.stream().filter(Future::failed).toList()) {
      ParleyException conflict = ParleyException.from(attempt.cause());
      assertThat(conflict.code()).isEqualTo(ErrorCode.CONFLICT);
      assertThat(conflict.field()).isEqualTo("username");
    }
  }

  @Test
  void aRefreshTokenRotatesOnceAndItsReuseRevokesTheSession() {
    Account account = Await.result(register(unique("carol")));
    String next = hash();

    JsonObject rotated = Await.result(refresh(account.refreshHash(), next));
    assertThat(rotated.getString("outcome")).isEqualTo("rotated");
    assertThat(rotated.getString("sessionId")).isEqualTo(account.sessionId());
    assertThat(rotated.getJsonObject("user")).isEqualTo(account.user());

    JsonObject reused = Await.result(refresh(account.refreshHash(), hash()));
    assertThat(reused.getString("outcome")).isEqualTo("reused");
    assertThat(reused.getString("userId")).isEqualTo(account.user().getString("id"));
    assertThat(active(account.sessionId())).isFalse();

    // The token handed out by the rotation belongs to the revoked session now.
    assertThat(error(refresh(next, hash())).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
  }

  @Test
  void ofConcurrentRefreshesWithOneTokenExactlyOneWins() {
    Account account = Await.result(register(unique("dave")));
    List<Future<JsonObject>> attempts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      attempts.add(refresh(account.refreshHash(), hash()));
    }
    Await.result(Future.join(attempts).otherwiseEmpty());

    long rotated = attempts.stream()
        .filter(attempt -> attempt.succeeded() && "rotated".equals(attempt.result().getString("outcome"))).count();
    assertThat(rotated).isEqualTo(1);
    for (Future<JsonObject> attempt : attempts) {
      if (attempt.failed()) {
        assertThat(ParleyException.from(attempt.cause()).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
      }
    }
    // The losers presented a used token: the contract's reuse rule revoked the session.
    assertThat(active(account.sessionId())).isFalse();
  }

  @Test
  void unknownOrExpiredRefreshTokensAreRefusedWithoutRevokingAnything() {
    assertThat(error(refresh(hash(), hash())).code()).isEqualTo(ErrorCode.UNAUTHORIZED);

    String name = unique("erin");
    String sessionId = UUID.randomUUID().toString();
    String expired = hash();
    Await.result(ask(Addresses.ACCOUNTS_REGISTER, new JsonObject()
        .put("username", name).put("displayName", name).put("passwordHash", "h")
        .put("sessionId", sessionId).put("refreshTokenHash", expired)
        .put("refreshExpiresAt", System.currentTimeMillis() - 1)));

    ParleyException refused = error(refresh(expired, hash()));
    assertThat(refused.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
    assertThat(refused.getMessage()).doesNotContain("SELECT").doesNotContain("refresh_tokens");
    assertThat(active(sessionId)).isTrue();
  }

  @Test
  void loginSessionsOpenAndRevokeIndependently() {
    Account account = Await.result(register(unique("frank")));
    String second = UUID.randomUUID().toString();
    Await.result(ask(Addresses.ACCOUNTS_OPEN_SESSION, new JsonObject()
        .put("userId", account.user().getString("id")).put("sessionId", second)
        .put("refreshTokenHash", hash()).put("refreshExpiresAt", System.currentTimeMillis() + 60_000)));

    JsonObject revoked = Await.result(ask(Addresses.ACCOUNTS_REVOKE_SESSION, new JsonObject().put("sessionId", second)));
    assertThat(revoked.getBoolean("revoked")).isTrue();
    assertThat(revoked.getString("userId")).isEqualTo(account.user().getString("id"));
    assertThat(Await.result(ask(Addresses.ACCOUNTS_REVOKE_SESSION, new JsonObject().put("sessionId", second)))
        .getBoolean("revoked")).isFalse();

    assertThat(active(second)).isFalse();
    assertThat(active(account.sessionId())).isTrue();
    assertThat(active(UUID.randomUUID().toString())).isFalse();
  }

  @Test
  void usersAreFoundByIdAndByEscapedPrefix() {
    String stem = unique("g");
    Account plain = Await.result(register(stem + "ab"));
    Account underscore = Await.result(register(stem + "_b"));

    assertThat(Await.result(ask(Addresses.USERS_GET, new JsonObject().put("userId", plain.user().getString("id")))))
        .isEqualTo(plain.user());
    assertThat(error(ask(Addresses.USERS_GET, new JsonObject().put("userId", "999999999"))).code())
        .isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(error(ask(Addresses.USERS_GET, new JsonObject().put("userId", "abc"))).code())
        .isEqualTo(ErrorCode.NOT_FOUND);

    JsonObject both = Await.result(ask(Addresses.USERS_SEARCH, new JsonObject().put("prefix", stem.toUpperCase())
        .put("limit", 20)));
    assertThat(both.getJsonArray("users")).hasSize(2);
    // "_" is a literal underscore, not LIKE's any-character.
    JsonObject literal = Await.result(ask(Addresses.USERS_SEARCH, new JsonObject().put("prefix", stem + "_")
        .put("limit", 20)));
    assertThat(literal.getJsonArray("users").getList()).hasSize(1);
    assertThat(literal.getJsonArray("users").getJsonObject(0)).isEqualTo(underscore.user());
    assertThat(Await.result(ask(Addresses.USERS_SEARCH, new JsonObject().put("prefix", stem).put("limit", 1)))
        .getJsonArray("users")).hasSize(1);
  }
}
