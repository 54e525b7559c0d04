package dev.parley.contract;

/**
 * The operations of {@link Addresses#PERSISTENCE_PUSH} (push subscriptions), in the {@link Addresses#ACTION}
 * header. A subscription is {@code {id, kind: "webpush", endpoint, keys: {p256dh, auth}, createdAt}} or
 * {@code {id, kind: "gateway", url, pushkey, appId, createdAt}}.
 */
public final class PushActions {

  private PushActions() {
  }

  /**
   * {@code {userId, subscription}} (validated by the caller) -> {@code {id, created}}. The same endpoint (or
   * gateway url and pushkey) subscribed again is the same subscription, moved to this user if a device changed
   * hands. Beyond {@code push.maxSubscriptionsPerUser} the oldest of the user's subscriptions is dropped.
   */
  public static final String SUBSCRIBE = "subscribe";
  /** {@code {userId}} -> {@code {subscriptions: [...]}}, the user's own, oldest first. */
  public static final String LIST = "list";
  /** {@code {userId, id}} -> {@code {deleted: true}}; another user's or a missing id fails 404. */
  public static final String UNSUBSCRIBE = "unsubscribe";
  /** The notifier's read: {@code {userId}} -> {@code {subscriptions: [... + p256dh/auth]}}. */
  public static final String TARGETS = "targets";
  /** The notifier's cleanup of endpoints that are gone: {@code {ids: [id]}} -> {@code {removed}}. */
  public static final String REMOVE = "remove";
}
