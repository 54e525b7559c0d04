package dev.parley.http.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class AdminConfigTest {

  @Test
  void usernamesAreComparedWithoutCase() {
    AdminConfig config = AdminConfig.from(Settings.of(new JsonObject()
        .put("admin", new JsonObject().put("usernames", new JsonArray().add("Alice").add("bob")))));
    assertThat(config.isAdmin("alice")).isTrue();
    assertThat(config.isAdmin("BOB")).isTrue();
    assertThat(config.isAdmin("carol")).isFalse();
    assertThat(config.isAdmin(null)).isFalse();
  }

  @Test
  void aCommaSeparatedOverrideAndNoneAtAll() {
    assertThat(AdminConfig.from(Settings.of(new JsonObject().put("admin", new JsonObject()
        .put("usernames", "alice, ,bob")))).usernames()).containsExactlyInAnyOrder("alice", "bob");
    assertThat(AdminConfig.from(Settings.of(new JsonObject())).isAdmin("alice")).isFalse();
  }
}
