package dev.parley.http.attachments;

/**
 * One byte range of a {@code Range: bytes=...} header (RFC 9110 §14): {@code a-b}, {@code a-} or the suffix
 * {@code -n}. Several ranges, or another unit, are answered with the whole content (a server may ignore Range).
 */
record ByteRange(long start, long length) {

  /** The range to send; null means the whole content. Throws {@link Unsatisfiable} for a range past the end. */
  static ByteRange parse(String header, long size) {
    if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
      return null;
    }
    String spec = header.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    try {
      String first = spec.substring(0, dash).trim();
      String last = spec.substring(dash + 1).trim();
      if (first.isEmpty()) {
        long suffix = Long.parseLong(last);
        if (suffix <= 0 || size == 0) {
          throw new Unsatisfiable();
        }
        long length = Math.min(suffix, size);
        return new ByteRange(size - length, length);
      }
      long start = Long.parseLong(first);
      long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
      if (start >= size || end < start) {
        throw new Unsatisfiable();
      }
      return new ByteRange(start, end - start + 1);
    } catch (NumberFormatException malformed) {
      return null;
    }
  }

  String contentRange(long size) {
    return "bytes " + start + "-" + (start + length - 1) + "/" + size;
  }

  /** A range that starts past the end of the content: 416. */
  static final class Unsatisfiable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsatisfiable() {
      super(null, null, false, false);
    }
  }
}
