package dev.parley.contract;

/**
 * The operations of {@link Addresses#PERSISTENCE_EVENTS}, in the {@link Addresses#ACTION} header. Event lists are
 * JSON arrays of {@link MessageEvent} objects in id order.
 */
public final class StreamActions {

  private StreamActions() {
  }

  /**
   * Events after an id: {@code {after, limit?}} -> {@code {events}} (at most limit, 1..2000, default 500). Or the
   * events in an id range (gap re-checks): {@code {from, to, limit?}} (both inclusive).
   */
  public static final String READ = "read";
  /**
   * The oldest kept and the newest event id, and how far the outbox was pruned: {@code {shard?}} ->
   * {@code {minId, maxId, prunedUpTo, shards, identity}} (0 when there is none; shards: how many MySQL shards there
   * are; identity: a random id of this shard's stream, created with its schema — a reader that stored another one
   * followed another database and must start over).
   * Every request of this address takes {@code shard} (default 0): each shard has an outbox of its own. Events older than {@code events.retentionHours}
   * are pruned: a consumer whose watermark is below prunedUpTo may have missed events for good and must rebuild
   * from {@link #SCAN}.
   */
  public static final String HEAD = "head";
  /**
   * Every stored, not deleted message in (room, seq) order, for index rebuilds:
   * {@code {afterRoom?, afterSeq?, limit?}} -> {@code {messages: [ChatMessage json]}}.
   */
  public static final String SCAN = "scan";
  /** A consumer's stored watermark: {@code {name}} -> {@code {name, position, saved}} (0 and false when never saved). */
  public static final String CURSOR_GET = "cursorGet";
  /** Saves a consumer's watermark, never moving it back: {@code {name, position}} -> {@code {name, position}}. */
  public static final String CURSOR_SET = "cursorSet";
}
