package dev.parley.http.attachments;

import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.tika.Tika;

/**
 * What an upload is, from its bytes: the content type by magic numbers (Apache Tika; the client's name only
 * breaks ties), and for images their size and a thumbnail. Blocking: runs on a worker.
 *
 * <p>An image's dimensions are read from its header before anything is decoded; one of more than
 * {@code maxImagePixels} pixels (a decompression bomb: a tiny file that would decode to gigabytes) is refused.
 * Decoding is subsampled, so a thumbnail never needs more than a few times its own size in memory.
 */
final class MediaInspector {

  /** Images shown inline and thumbnailed. Not SVG: it can carry script, so it is served as a download. */
  static final Set<String> IMAGES = Set.of("image/png", "image/jpeg", "image/gif", "image/bmp");

  /** The inspection of one upload; {@code thumbnail} is a temporary file, or null when there is none. */
  record Media(String contentType, Integer width, Integer height, Path thumbnail, String thumbnailType) {
  }

  private static final Tika TIKA = new Tika();

  private final int thumbnailPx;
  private final long maxImagePixels;

  MediaInspector(int thumbnailPx, long maxImagePixels) {
    this.thumbnailPx = thumbnailPx;
    this.maxImagePixels = maxImagePixels;
  }

  Media inspect(Path file, String name) throws IOException {
    String contentType;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      contentType = TIKA.detect(in, name);
    }
    if (!IMAGES.contains(contentType)) {
      return new Media(contentType, null, null, null, null);
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        return new Media(contentType, null, null, null, null);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if ((long) width * height > maxImagePixels) {
          throw new ParleyException(ErrorCode.TOO_LARGE, "the image is " + width + " x " + height
              + " pixels, over the limit of " + maxImagePixels + " pixels", "file");
        }
        BufferedImage thumbnail = thumbnail(reader, width, height);
        boolean alpha = thumbnail.getColorModel().hasAlpha();
        Path out = Files.createTempFile(file.getParent(), "thumb-", alpha ? ".png" : ".jpg");
        ImageIO.write(thumbnail, alpha ? "png" : "jpg", out.toFile());
        return new Media(contentType, width, height, out, alpha ? "image/png" : "image/jpeg");
      } catch (IOException | RuntimeException undecodable) {
        if (undecodable instanceof ParleyException refused) {
          throw refused;
        }
        // A broken image is still a file the user may want to share: kept, without a preview.
        return new Media(contentType, null, null, null, null);
      } finally {
        reader.dispose();
      }
    }
  }

  /** Fits the image into thumbnailPx x thumbnailPx (never enlarging it), keeping its aspect ratio. */
  private BufferedImage thumbnail(ImageReader reader, int width, int height) throws IOException {
    int longer = Math.max(width, height);
    ImageReadParam param = reader.getDefaultReadParam();
    int step = Math.max(1, longer / (thumbnailPx * 2));
    param.setSourceSubsampling(step, step, 0, 0);
    BufferedImage decoded = reader.read(0, param);
    double scale = Math.min(1.0, (double) thumbnailPx / Math.max(decoded.getWidth(), decoded.getHeight()));
    int w = Math.max(1, (int) Math.round(decoded.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(decoded.getHeight() * scale));
    boolean alpha = decoded.getColorModel().hasAlpha();
    BufferedImage out = new BufferedImage(w, h, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(decoded, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
