package dev.parley.persistence;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Group-commit meters: batch sizes, transaction time, failures and sends turned away. */
final class BatchMetrics {

  private final DistributionSummary rows;
  private final Timer commits;
  private final Counter failedBatches;
  private final Counter rejected;

  BatchMetrics(MeterRegistry registry) {
    rows = DistributionSummary.builder("parley_send_batch_rows")
        .description("Sends written per group-commit transaction")
        .publishPercentiles(0.5, 0.99)
        .register(registry);
    commits = Timer.builder("parley_send_batch_commit")
        .description("Time of one group-commit transaction, from BEGIN to COMMIT")
        .publishPercentiles(0.5, 0.99)
        .register(registry);
    failedBatches = Counter.builder("parley_send_batch_failures_total")
        .description("Group-commit transactions that failed (their sends were not acknowledged)")
        .register(registry);
    rejected = Counter.builder("parley_send_rejected_total")
        .description("Sends refused because too many were already waiting for the database")
        .register(registry);
  }

  void batch(int size, long nanos, boolean succeeded) {
    rows.record(size);
    commits.record(nanos, TimeUnit.NANOSECONDS);
    if (!succeeded) {
      failedBatches.increment();
    }
  }

  void rejected() {
    rejected.increment();
  }
}
