package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void namesTheMetricsAndNothingElse() {
    assertThat(PromQl.metricNames("sum by (job, instance) (rate(vertx_http_server_requests_total{code=\"503\"}[5m]))"
        + " / sum by (job, instance) (rate(vertx_http_server_requests_total[5m])) > 0.01"))
        .containsExactly("vertx_http_server_requests_total");
    assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le) (rate(parley_delivery_latency_seconds_bucket"
        + "{job=~\"$job\",instance=~\"$instance\"}[$__rate_interval]))) > 1e-1"))
        .containsExactly("parley_delivery_latency_seconds_bucket");
    assertThat(PromQl.metricNames("max(jvm_gc_live_data_size_bytes / jvm_gc_max_data_size_bytes) > 0.85 or "
        + "up{job=\"parley\"} == bool 0 offset 5m"))
        .containsExactly("jvm_gc_live_data_size_bytes", "jvm_gc_max_data_size_bytes", "up");
  }

  @Test
  void aLabelValueThatLooksLikeAMetricIsNotOne() {
    assertThat(PromQl.metricNames("sum(parley_stream_lag_events{consumer=\"search_index\", shard!~'0|x'})"))
        .containsExactly("parley_stream_lag_events");
  }
}
