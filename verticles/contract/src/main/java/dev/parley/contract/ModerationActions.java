package dev.parley.contract;

import java.util.Set;

/**
 * The operations of {@link Addresses#PERSISTENCE_MODERATION} (issue 14), in the {@link Addresses#ACTION}
 * header. Bodies carry {@code userId}, the caller. The administrator operations are only sent by the HTTP
 * verticle's admin routes, after they checked the caller against {@code admin.usernames}.
 */
public final class ModerationActions {

  private ModerationActions() {
  }

  /** {@code {userId, blockedId}} -> {@code {changed}}. */
  public static final String BLOCK = "block";
  /** {@code {userId, blockedId}} -> {@code {changed}}. */
  public static final String UNBLOCK = "unblock";
  /** {@code {userId}} -> {@code {blocks: [{userId, username, createdAt}]}}. */
  public static final String BLOCKS = "blocks";
  /** {@code {userId, roomId, seq, reason}} (a member of the room) -> the report. */
  public static final String REPORT = "report";

  // --- server administrators ----------------------------------------------------------------------------------

  /** {@code {limit?}} -> {@code {reports}}, newest first, each with the reported message. */
  public static final String REPORTS = "reports";
  /** {@code {userId, targetId, reason?}} -> {@code {userId, sessionIds, changed}}: every session revoked. */
  public static final String DEACTIVATE = "deactivate";
  /** {@code {userId, targetId, reason?}} -> {@code {userId, changed}}. */
  public static final String REACTIVATE = "reactivate";
  /** {@code {q?, limit?}} -> {@code {users: [{id, username, displayName, createdAt, deactivated}]}}. */
  public static final String USERS = "users";
  /** {@code {limit?}} -> {@code {entries: [{actorId, action, at, userId?, roomId?, seq?, reason?, detail?}]}}. */
  public static final String AUDIT = "audit";
  /** {@code {}} -> {@code {users, deactivatedUsers, rooms, messages, reports}}. */
  public static final String STATS = "stats";

  /** The operations that only read, so a caller may repeat them on another instance. */
  public static final Set<String> READS = Set.of(BLOCKS, REPORTS, USERS, AUDIT, STATS);
}
