package dev.parley.notifier.push;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import java.util.Set;

/** The {@code push} section (defaults in conf/parley.json), checked at start; a bad value names its key. */
public record PushConfig(boolean enabled, int coalesceSeconds, int ttlSeconds, String urgency, int queueSize,
    int maxConcurrent, int maxRetries, int retryBaseMs, int retryMaxMs, int requestTimeoutMs, int maxPending,
    int preferencesCacheSeconds, int encryptThreads) {

  private static final Set<String> URGENCIES = Set.of("very-low", "low", "normal", "high");

  public static PushConfig from(Settings settings) {
    PushConfig config = new PushConfig(
        settings.bool("push.enabled", true),
        settings.integer("push.coalesceSeconds", 10),
        settings.integer("push.ttlSeconds", 86_400),
        settings.string("push.urgency", "high"),
        settings.integer("push.queueSize", 10_000),
        settings.integer("push.maxConcurrent", 64),
        settings.integer("push.maxRetries", 5),
        settings.integer("push.retryBaseMs", 1000),
        settings.integer("push.retryMaxMs", 60_000),
        settings.integer("push.requestTimeoutMs", 10_000),
        settings.integer("push.maxPending", 100_000),
        settings.integer("push.preferencesCacheSeconds", 60),
        settings.integer("push.encryptThreads", 1));
    positive("push.coalesceSeconds", config.coalesceSeconds, 0);
    positive("push.ttlSeconds", config.ttlSeconds, 0);
    positive("push.queueSize", config.queueSize, 1);
    positive("push.maxConcurrent", config.maxConcurrent, 1);
    positive("push.maxRetries", config.maxRetries, 0);
    positive("push.retryBaseMs", config.retryBaseMs, 1);
    positive("push.retryMaxMs", config.retryMaxMs, config.retryBaseMs);
    positive("push.requestTimeoutMs", config.requestTimeoutMs, 1);
    positive("push.maxPending", config.maxPending, 1);
    positive("push.preferencesCacheSeconds", config.preferencesCacheSeconds, 0);
    positive("push.encryptThreads", config.encryptThreads, 1);
    if (!URGENCIES.contains(config.urgency)) {
      throw new ConfigException("key 'push.urgency' must be very-low, low, normal or high");
    }
    return config;
  }

  private static void positive(String key, int value, int min) {
    if (value < min) {
      throw new ConfigException("key '" + key + "' must be at least " + min);
    }
  }
}
