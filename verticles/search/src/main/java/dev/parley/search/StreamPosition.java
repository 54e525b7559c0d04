package dev.parley.search;

import java.util.Arrays;
import java.util.List;

/**
 * Where an index stands in the message event stream: per MySQL shard, the event id up to which it is complete
 * (its watermark) and the identity of the stream those ids belong to (persistence's {@code head}: a random id
 * created with the shard's schema). Ids of one database mean nothing in another; the identity tells them apart.
 */
record StreamPosition(long[] watermarks, List<String> identities) {

  /** The stored form: comma-separated, shard 0 first. */
  String watermarksText() {
    return String.join(",", Arrays.stream(watermarks).mapToObj(String::valueOf).toList());
  }

  String identitiesText() {
    return String.join(",", identities);
  }

  static StreamPosition parse(String watermarks, String identities) {
    return new StreamPosition(Arrays.stream(watermarks.split(",")).mapToLong(Long::parseLong).toArray(),
        identities == null || identities.isEmpty() ? List.of() : List.of(identities.split(",")));
  }

  /** The same identities with other watermarks. */
  StreamPosition at(long[] reached) {
    return new StreamPosition(reached, identities);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StreamPosition position && Arrays.equals(watermarks, position.watermarks)
        && identities.equals(position.identities);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(watermarks) + identities.hashCode();
  }

  @Override
  public String toString() {
    return "events " + Arrays.toString(watermarks) + " of streams " + identities;
  }
}
