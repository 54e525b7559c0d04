package dev.parley.http.moderation;

import dev.parley.common.Settings;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code admin} config section: {@code admin.usernames}, the server administrators (override with
 * {@code PARLEY_ADMIN_USERNAMES=["alice","bob"]}). Compared case-insensitively, as usernames are unique that way.
 */
public record AdminConfig(Set<String> usernames) {

  public static AdminConfig from(Settings settings) {
    List<String> names = settings.strings("admin.usernames", List.of());
    return new AdminConfig(names.stream().map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()));
  }

  public boolean isAdmin(String username) {
    return username != null && usernames.contains(username.toLowerCase(Locale.ROOT));
  }
}
