package dev.parley.node;

/** {@link SearchApiTest}, unchanged, on the OpenSearch engine (scripts/opensearch; scripts/test starts it). */
class OpenSearchApiTest extends SearchApiTest {

  @Override
  String engine() {
    return "opensearch";
  }
}
