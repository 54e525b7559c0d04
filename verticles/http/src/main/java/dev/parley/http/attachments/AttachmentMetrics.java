package dev.parley.http.attachments;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Attachment meters: uploads stored, their bytes, uploads refused or failed (by reason), bytes served. */
final class AttachmentMetrics {

  private final MeterRegistry registry;
  private final Counter uploads;
  private final Counter bytesStored;
  private final Counter bytesServed;

  AttachmentMetrics(MeterRegistry registry) {
    this.registry = registry;
    uploads = Counter.builder("parley_attachment_uploads_total").description("Attachments stored")
        .register(registry);
    bytesStored = Counter.builder("parley_attachment_stored_bytes_total")
        .description("Bytes of attachments stored (originals)").baseUnit("bytes").register(registry);
    bytesServed = Counter.builder("parley_attachment_served_bytes_total")
        .description("Bytes of attachments and thumbnails sent to clients").baseUnit("bytes").register(registry);
  }

  void stored(long bytes) {
    uploads.increment();
    bytesStored.increment(bytes);
  }

  /** An upload that was not stored; reason is the error code (too_large, unavailable, not_found, ...). */
  void failed(String reason) {
    Counter.builder("parley_attachment_upload_failures_total").description("Uploads not stored, by reason")
        .tag("reason", reason).register(registry).increment();
  }

  void served(long bytes) {
    bytesServed.increment(bytes);
  }
}
