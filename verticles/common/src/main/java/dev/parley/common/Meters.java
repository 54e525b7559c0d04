package dev.parley.common;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

/** Where verticles register their own meters: the node's Prometheus registry, exposed on /metrics. */
public final class Meters {

  private Meters() {
  }

  /** The node's registry; a private one when Vert.x runs without metrics (some unit tests). */
  public static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry != null ? registry : new SimpleMeterRegistry();
  }
}
