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
   * case), for direct rooms the other member, and members whose level for the room is {@code all}; each decided by
   * {@link NotificationLevel#notifies} from the user's and the room's level; never the sender. At most one
   * notification per (user, message): a repeated item creates nothing, so only {@code created} are announced.
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
  /** {@code {userId, roomId}} (members only) -> {@code {roomId, muted: true}}: the room's level becomes none. */
  public static final String MUTE = "mute";
  /** {@code {userId, roomId}} (members only) -> {@code {roomId, muted: false}}. */
  public static final String UNMUTE = "unmute";
  /** {@code {userId}} -> {@code {roomIds}}: the rooms the user muted (level none). */
  public static final String MUTES = "mutes";
  /** {@code {userId}} -> {@link NotificationPreferences} as JSON (the defaults when never set). */
  public static final String PREFERENCES = "preferences";
  /** {@code {userId, preferences}} -> the stored preferences; announced on {@link Addresses#PREFERENCES_CHANGED}. */
  public static final String SET_PREFERENCES = "setPreferences";
  /** {@code {userId, roomId, level: all|mentions|none|default}} (members only) -> {@code {roomId, level}}. */
  public static final String SET_ROOM_LEVEL = "setRoomLevel";
  /**
   * {@code {userId}} -> {@code {levels: {roomId: all|mentions|none}}}: the rooms where the user set a level of
   * their own (the others follow the user's level, direct rooms {@code all}).
   */
  public static final String ROOM_LEVELS = "roomLevels";
}
