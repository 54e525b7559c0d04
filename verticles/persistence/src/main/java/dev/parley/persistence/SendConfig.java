package dev.parley.persistence;

import dev.parley.common.Settings;

/**
 * The {@code messages} config section: limits on a message and the group-commit knobs. A batch is written when
 * it has {@code batchMaxRows} sends or {@code flushDelayMs} after its first send, whichever comes first; at most
 * {@code maxInFlightBatches} transactions run at once per persistence instance, and at most {@code maxQueued}
 * sends wait, each for at most {@code sendTimeoutMs}.
 */
record SendConfig(int maxTextChars, int maxClientMsgIdChars, int batchMaxRows, int flushDelayMs,
    int maxInFlightBatches, int maxQueued, int sendTimeoutMs, int maxAttachments) {

  static SendConfig from(Settings settings) {
    return new SendConfig(
        settings.integer("messages.maxTextChars", 4000),
        settings.integer("messages.maxClientMsgIdChars", 64),
        settings.integer("messages.batchMaxRows", 500),
        settings.integer("messages.flushDelayMs", 2),
        settings.integer("messages.maxInFlightBatches", 2),
        settings.integer("messages.maxQueued", 20000),
        settings.integer("messages.sendTimeoutMs", 5000),
        settings.integer("messages.maxAttachments", 10));
  }
}
