package dev.parley.contract;

/**
 * The operations of {@link Addresses#PERSISTENCE_ATTACHMENTS}, in the {@link Addresses#ACTION} header. Bodies
 * are JSON objects with {@code userId} (the caller) where a caller is involved. Every attachment answer to a
 * non-member, and for a missing or tombstoned attachment, is 404.
 */
public final class AttachmentActions {

  private AttachmentActions() {
  }

  /** {@code {userId, roomId}} -> {@code {}} when the caller is a member (before an upload is read); else 404. */
  public static final String CHECK_MEMBER = "checkMember";
  /**
   * {@code {userId, roomId, id, name, contentType, size, sha256, width?, height?, storageKey, thumbnailKey?}}:
   * records an upload (membership re-checked in the writing transaction) -> the attachment as clients see it.
   */
  public static final String CREATE = "create";
  /** {@code {userId, id}} -> the attachment with {@code storageKey, thumbnailKey?} for a member of its room. */
  public static final String GET = "get";
  /**
   * {@code {orphanBefore, limit}}: deletes the rows of uploads never attached and created before
   * {@code orphanBefore}, and of tombstoned attachments -> {@code {keys: [storageKey...]}} whose blobs to remove.
   */
  public static final String PURGE = "purge";
}
