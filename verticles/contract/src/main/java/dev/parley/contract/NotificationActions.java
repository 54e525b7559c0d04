package dev.parley.contract;

/**
 * The operations of {@link Addresses#PERSISTENCE_NOTIFICATIONS}, in the {@link Addresses#ACTION} header. Callers
 * pass the user id from the authenticated session as {@code userId}.
 */
public final class NotificationActions {

  private NotificationActions() {
  }

  /**
   * The notifier's write: {@code {items: [{roomId, seq, from, ts, text, direct, mentions: [username]}]}} ->
   * {@code {created: [notification + userId]}}. Recipients are the room members named in {@code mentions} (any
   * case) and, for direct rooms, the other member; never the sender, never a member who muted the room. At most
   * one notification per (user, message): a repeated item creates nothing, so only {@code created} are announced.
   */
  public static final String DELIVER = "deliver";
  /** Deleted messages take their notifications with them: {@code {items: [{roomId, seq}]}} -> {@code {removed}}. */
  public static final String RETRACT = "retract";
  /**
   * {@code {userId, before?, limit?, unreadOnly?}} -> {@code {notifications: [newest first], hasMore, unread}}.
   */
  public static final String LIST = "list";
  /** {@code {userId, ids?: [id], upTo?: id}} -> {@code {updated, unread}}. */
  public static final String MARK_READ = "markRead";
  /** {@code {userId, roomId}} (members only) -> {@code {roomId, muted: true}}. */
  public static final String MUTE = "mute";
  /** {@code {userId, roomId}} (members only) -> {@code {roomId, muted: false}}. */
  public static final String UNMUTE = "unmute";
  /** {@code {userId}} -> {@code {roomIds}}: the rooms the user muted. */
  public static final String MUTES = "mutes";
}
