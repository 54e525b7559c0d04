package dev.parley.search;

import java.io.IOException;
import java.util.Objects;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.DoubleValues;
import org.apache.lucene.search.DoubleValuesSource;
import org.apache.lucene.search.IndexSearcher;

/**
 * The recency factor of a hit's score: {@code 1 + 0.5^(age / halfLife)}, from 2 for a message sent now down to
 * 1 for old ones (1.5 at one half-life). Relevance still decides among messages of similar age, and a much
 * better match beats a newer weak one; among equally good matches the newest comes first.
 */
final class Recency extends DoubleValuesSource {

  private final long now;
  private final double halfLifeMs;

  Recency(long now, long halfLifeMs) {
    this.now = now;
    this.halfLifeMs = Math.max(1, halfLifeMs);
  }

  @Override
  public DoubleValues getValues(LeafReaderContext ctx, DoubleValues scores) throws IOException {
    NumericDocValues ts = DocValues.getNumeric(ctx.reader(), SearchIndex.TS);
    return new DoubleValues() {
      private long value;

      @Override
      public double doubleValue() {
        double age = Math.max(0, now - value);
        return 1 + Math.pow(0.5, age / halfLifeMs);
      }

      @Override
      public boolean advanceExact(int doc) throws IOException {
        value = ts.advanceExact(doc) ? ts.longValue() : 0;
        return true;
      }
    };
  }

  @Override
  public boolean needsScores() {
    return false;
  }

  @Override
  public DoubleValuesSource rewrite(IndexSearcher reader) {
    return this;
  }

  @Override
  public boolean isCacheable(LeafReaderContext ctx) {
    return false;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Recency recency && recency.now == now && recency.halfLifeMs == halfLifeMs;
  }

  @Override
  public int hashCode() {
    return Objects.hash(now, halfLifeMs);
  }

  @Override
  public String toString() {
    return "recency(halfLife=" + halfLifeMs + "ms)";
  }
}
