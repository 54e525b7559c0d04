package dev.parley.hooks;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;

/**
 * The {@code hooks} section, with its defaults in one place.
 *
 * @param maxConsecutiveFailures failed attempts in a row after which a hook is disabled
 * @param maxBacklog events a hook may have waiting; one more disables it (its receiver is far behind)
 * @param retryBaseMs first pause after a failure; doubled per failure in a row
 * @param retryMaxMs longest pause between attempts
 * @param requestTimeoutMs a delivery that has not answered by then failed
 * @param allowPrivateTargets deliver to loopback and private addresses too (tests, closed networks)
 * @param reloadMs how often the hooks are read again besides the change announcements
 * @param cursorSaveMs how often the delivered position is stored
 * @param leaderRetryMs how often an instance that does not deliver tries to take the hooks lock
 */
record HooksConfig(int maxConsecutiveFailures, int maxBacklog, long retryBaseMs, long retryMaxMs,
    long requestTimeoutMs, boolean allowPrivateTargets, long reloadMs, long cursorSaveMs, long leaderRetryMs) {

  static HooksConfig from(Settings settings) {
    HooksConfig config = new HooksConfig(
        settings.integer("hooks.maxConsecutiveFailures", 10),
        settings.integer("hooks.maxBacklog", 10_000),
        settings.integer("hooks.retryBaseMs", 1000),
        settings.integer("hooks.retryMaxMs", 60_000),
        settings.integer("hooks.requestTimeoutMs", 10_000),
        settings.bool("hooks.allowPrivateTargets", false),
        settings.integer("hooks.reloadMs", 30_000),
        settings.integer("hooks.cursorSaveMs", 1000),
        settings.integer("hooks.leaderRetryMs", 2000));
    positive("hooks.maxConsecutiveFailures", config.maxConsecutiveFailures());
    positive("hooks.maxBacklog", config.maxBacklog());
    positive("hooks.retryBaseMs", config.retryBaseMs());
    positive("hooks.requestTimeoutMs", config.requestTimeoutMs());
    positive("hooks.reloadMs", config.reloadMs());
    positive("hooks.cursorSaveMs", config.cursorSaveMs());
    positive("hooks.leaderRetryMs", config.leaderRetryMs());
    if (config.retryMaxMs() < config.retryBaseMs()) {
      throw new ConfigException("key 'hooks.retryMaxMs' must be at least hooks.retryBaseMs");
    }
    return config;
  }

  /** The pause before attempt n+1 after n failures in a row: base * 2^(n-1), at most retryMaxMs. */
  long backoffMs(int failures) {
    int doublings = Math.min(30, Math.max(0, failures - 1));
    return Math.min(retryMaxMs, retryBaseMs << doublings);
  }

  private static void positive(String key, long value) {
    if (value <= 0) {
      throw new ConfigException("key '" + key + "' must be positive");
    }
  }
}
