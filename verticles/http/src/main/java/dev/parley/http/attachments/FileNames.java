package dev.parley.http.attachments;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Client file names made safe to keep and to send back in {@code Content-Disposition}. */
final class FileNames {

  static final int MAX_CHARS = 200;
  private static final String FALLBACK = "file";

  private FileNames() {
  }

  /**
   * The last path segment (either slash), without control or format characters (such as a right-to-left
   * override), trimmed of spaces and leading dots, at most {@link #MAX_CHARS} code points; "file" if nothing is left.
   */
  static String sanitize(String name) {
    if (name == null) {
      return FALLBACK;
    }
    String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    StringBuilder clean = new StringBuilder();
    last.codePoints().filter(c -> {
      int type = Character.getType(c);
      return type != Character.CONTROL && type != Character.FORMAT && type != Character.UNASSIGNED
          && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
          && type != Character.SURROGATE && type != Character.PRIVATE_USE;
    }).limit(MAX_CHARS).forEach(clean::appendCodePoint);
    String trimmed = clean.toString().strip().replaceFirst("^\\.+", "").strip();
    return trimmed.isEmpty() ? FALLBACK : trimmed;
  }

  /** {@code attachment; filename="ascii"; filename*=UTF-8''percent-encoded} (RFC 6266 / 5987). */
  static String contentDisposition(String disposition, String name) {
    String ascii = name.replaceAll("[^\\x20-\\x7e]", "_").replace("\"", "_").replace("\\", "_");
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return disposition + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }
}
