package dev.parley.http.attachments;

import dev.parley.common.ConfigException;
import dev.parley.common.Settings;
import java.nio.file.Path;

/**
 * The {@code attachments} config section (defaults in conf/parley.json). {@code storage} is {@code local} (files
 * under {@code localPath}) or {@code s3} (an S3-compatible store, {@code s3.*}). Uploads are spooled under
 * {@code spoolPath} (blank: the system temp directory) while they are hashed, sniffed and measured.
 */
record AttachmentConfig(long maxBytes, String storage, Path localPath, Path spoolPath, S3 s3, int thumbnailPx,
    long maxImagePixels, long orphanTtlHours, long purgeIntervalMs, long requestTimeoutMs) {

  /** The S3-compatible store; blank credentials use the SDK's default chain (environment, profile, role). */
  record S3(String endpoint, String region, String bucket, String accessKeyId, String secretAccessKey,
      boolean pathStyle, boolean createBucket, int maxConcurrency, long timeoutMs) {
  }

  static AttachmentConfig from(Settings settings) {
    String storage = settings.string("attachments.storage", "local");
    if (!storage.equals("local") && !storage.equals("s3")) {
      throw new ConfigException("key 'attachments.storage' must be \"local\" or \"s3\", not \"" + storage + "\"");
    }
    S3 s3 = new S3(settings.string("attachments.s3.endpoint", ""), settings.string("attachments.s3.region", "us-east-1"),
        settings.string("attachments.s3.bucket", "parley-attachments"), settings.string("attachments.s3.accessKeyId", ""),
        settings.string("attachments.s3.secretAccessKey", ""), settings.bool("attachments.s3.pathStyle", true),
        settings.bool("attachments.s3.createBucket", false), positive(settings, "attachments.s3.maxConcurrency", 32),
        positive(settings, "attachments.s3.timeoutMs", 30_000));
    String spool = settings.string("attachments.spoolPath", "");
    return new AttachmentConfig(positive(settings, "attachments.maxBytes", 25 * 1024 * 1024), storage,
        Path.of(settings.string("attachments.localPath", "data/attachments")),
        spool.isEmpty() ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(spool), s3,
        positive(settings, "attachments.thumbnailPx", 320), positive(settings, "attachments.maxImagePixels", 40_000_000),
        nonNegative(settings, "attachments.orphanTtlHours", 24), positive(settings, "attachments.purgeIntervalMs", 600_000),
        positive(settings, "http.requestTimeoutMs", 10_000));
  }

  private static int positive(Settings settings, String key, int fallback) {
    int value = settings.integer(key, fallback);
    if (value <= 0) {
      throw new ConfigException("key '" + key + "' must be positive, not " + value);
    }
    return value;
  }

  /** 0 is allowed: an orphan TTL of 0 hours removes unattached uploads at the next purge (tests). */
  private static int nonNegative(Settings settings, String key, int fallback) {
    int value = settings.integer(key, fallback);
    if (value < 0) {
      throw new ConfigException("key '" + key + "' must be 0 or more, not " + value);
    }
    return value;
  }
}
