package dev.parley.common.events;

import dev.parley.common.Settings;

/**
 * The {@code events} config section: how readers of the message event stream page, re-check and give up.
 *
 * @param pageSize events per catch-up page and per relay read
 * @param pollMs how often the relay looks for new outbox rows when the last read found none
 * @param gapRecheckMs how long a missing id may stay missing before readers look for it in MySQL
 * @param gapTimeoutMs how long a missing id stays open before it is taken for a rolled-back transaction
 * @param tailCheckMs how often consumers compare their position with the newest event id in MySQL, in case the
 *     live stream lost something (a consumer more than one check behind catches up from MySQL)
 * @param maxBuffered live events a consumer keeps while it catches up; past that it drops them and catches up
 *     again
 * @param maxPendingApplies live batches a consumer queues for its sink; past that it drops them (and finds them
 *     again in MySQL)
 * @param requestTimeoutMs event-bus request timeout towards persistence
 * @param retryMs pause before retrying after a failure (persistence or Kafka away)
 * @param shards how many MySQL shards there are ({@code mysql.shards}, one when not listed): each has an outbox
 *     of its own, with its own event ids, so readers keep one position per shard
 */
public record StreamSettings(int pageSize, long pollMs, long gapRecheckMs, long gapTimeoutMs, long tailCheckMs,
    int maxBuffered, int maxPendingApplies, long requestTimeoutMs, long retryMs, int shards) {

  public static StreamSettings from(Settings settings) {
    return new StreamSettings(
        settings.integer("events.pageSize", 500),
        settings.integer("events.pollMs", 100),
        settings.integer("events.gapRecheckMs", 2000),
        settings.integer("events.gapTimeoutMs", 300_000),
        settings.integer("events.tailCheckMs", 5000),
        settings.integer("events.maxBuffered", 20_000),
        settings.integer("events.maxPendingApplies", 64),
        settings.integer("events.requestTimeoutMs", 10_000),
        settings.integer("events.retryMs", 1000),
        Math.max(1, settings.sections("mysql.shards").size()));
  }
}
