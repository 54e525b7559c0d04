package dev.parley.http.auth;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import dev.parley.http.auth.RateLimiter.Rule;

/**
 * The {@code auth} config section as the HTTP verticle uses it (the verification side is read by
 * {@link dev.parley.common.auth.AccessTokens} and {@link dev.parley.common.auth.SessionGuard}). Every key can be
 * overridden with {@code PARLEY_AUTH_...}.
 */
record AuthConfig(
    String issuer,
    String audience,
    long accessTtlSeconds,
    long refreshTtlSeconds,
    String signingKeyId,
    String signingKeyFile,
    PasswordHasher.Params argon2,
    int argon2Threads,
    int argon2MaxPending,
    Rule loginPerIp,
    Rule loginPerUsernameAndIp,
    Rule loginPerUsername,
    Rule registerPerIp,
    Rule registerPerUsername) {

  static AuthConfig from(Settings settings) {
    PasswordHasher.Params argon2;
    try {
      argon2 = new PasswordHasher.Params(
          settings.integer("auth.argon2.memoryKiB"),
          settings.integer("auth.argon2.iterations"),
          settings.integer("auth.argon2.parallelism"));
    } catch (IllegalArgumentException outOfRange) {
      throw new ConfigException("keys 'auth.argon2.*': " + outOfRange.getMessage());
    }
    return new AuthConfig(
        settings.string("auth.issuer"),
        settings.string("auth.audience"),
        positive(settings, "auth.accessTtlSeconds"),
        positive(settings, "auth.refreshTtlSeconds"),
        settings.string("auth.signingKeyId"),
        settings.string("auth.signingKeyFile"),
        argon2,
        (int) positive(settings, "auth.argon2.threads"),
        (int) positive(settings, "auth.argon2.maxPending"),
        rule(settings, "loginPerIp"),
        rule(settings, "loginPerUsernameAndIp"),
        rule(settings, "loginPerUsername"),
        rule(settings, "registerPerIp"),
        rule(settings, "registerPerUsername"));
  }

  private static Rule rule(Settings settings, String name) {
    String base = "auth.rateLimit." + name;
    return new Rule(name, (int) positive(settings, base + ".limit"), (int) positive(settings, base + ".windowSeconds"));
  }

  private static long positive(Settings settings, String key) {
    int value = settings.integer(key);
    if (value < 1) {
      throw new ConfigException("key '" + key + "' must be at least 1");
    }
    return value;
  }
}
