package dev.parley.contract;

import java.util.Set;

/**
 * The operations of {@link Addresses#ROOMS}, {@link Addresses#PERSISTENCE_ROOMS} and
 * {@link Addresses#PERSISTENCE_MESSAGES}, sent in the {@link Addresses#ACTION} header. Bodies are JSON objects
 * whose fields mirror the REST contract, plus {@code userId} (the caller).
 */
public final class RoomActions {

  private RoomActions() {
  }

  public static final String CREATE = "create";
  public static final String DIRECT = "direct";
  public static final String LIST_MINE = "listMine";
  public static final String LIST_PUBLIC = "listPublic";
  public static final String GET = "get";
  public static final String UPDATE = "update";
  public static final String DELETE = "delete";
  public static final String JOIN = "join";
  public static final String LEAVE = "leave";
  public static final String MEMBERS = "members";
  public static final String ADD_MEMBER = "addMember";
  public static final String REMOVE_MEMBER = "removeMember";
  public static final String SET_ROLE = "setRole";
  /** Ban a user from a group room (moderation, issue 14): {@code {userId, roomId, memberId, reason?}}. */
  public static final String BAN = "ban";
  /** Lift a ban: {@code {userId, roomId, memberId}}. */
  public static final String UNBAN = "unban";
  /** A room's bans (owner/admin): {@code {userId, roomId}} -> {@code {bans}}. */
  public static final String BANS = "bans";
  /** Is userId a member of roomId: {@code {member: bool, role?}}. Cached; used by sockets and search. */
  public static final String MEMBERSHIP = "membership";
  /** The ids of every room userId belongs to: {@code {roomIds: [...]}}. Cached. */
  public static final String USER_ROOMS = "userRooms";
  /**
   * Persistence only: {@code {roomIds: [...]}} -> {@code {lastSeqs: {roomId: seq}}}, read fresh from MySQL. A
   * socket starts its rooms' streams there, so a message committed after it subscribed is never skipped.
   */
  public static final String LAST_SEQS = "lastSeqs";
  /** Persistence only: the caller's membership row and the room, for authorization decisions. */
  public static final String ACCESS = "access";

  public static final String HISTORY = "history";
  public static final String EDIT = "edit";
  public static final String DELETE_MESSAGE = "deleteMessage";
  public static final String READ = "read";

  // Issue 13 (persistence, PERSISTENCE_MESSAGES): bodies {userId, roomId, seq, ...}.
  /** {@code emoji}: adds the caller's reaction (idempotent) -> {@code {changed, reactions}}. */
  public static final String REACT = "react";
  /** {@code emoji}: removes the caller's reaction (idempotent) -> {@code {changed, reactions}}. */
  public static final String UNREACT = "unreact";
  /** {@code after?, limit?}: the replies of a thread root -> {@code {messages, hasMore}}. */
  public static final String THREAD = "thread";
  /** Owner/admin: pins message {@code seq} (idempotent) -> {@code {changed}}. */
  public static final String PIN = "pin";
  /** Owner/admin: unpins message {@code seq} (idempotent) -> {@code {changed}}. */
  public static final String UNPIN = "unpin";
  /** {@code {userId, roomId}} -> {@code {pins: [{seq, pinnedBy, pinnedAt, message}]}} newest first. */
  public static final String PINS = "pins";
  /** {@code after?, limit?}: members whose read marker is at or past seq -> {@code {readers, hasMore}}. */
  public static final String READERS = "readers";
  /** {@code {userId}}: the caller's own settings -> {@code {shareReadReceipts}}. */
  public static final String SETTINGS = "settings";
  /** {@code {userId, shareReadReceipts}}: changes the caller's settings -> the settings after the change. */
  public static final String UPDATE_SETTINGS = "updateSettings";

  /** The operations that only read, so a caller may repeat them on another instance when a node leaves. */
  public static final Set<String> READS = Set.of(LIST_MINE, LIST_PUBLIC, GET, MEMBERS, MEMBERSHIP, USER_ROOMS,
      LAST_SEQS, ACCESS, HISTORY, BANS, THREAD, PINS, READERS, SETTINGS);
}
