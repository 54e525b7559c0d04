package dev.parley.persistence;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import dev.parley.contract.ParleyException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * What a reaction may be (CONTRACT.md v1.1): a Unicode emoji sequence of at most 32 bytes of UTF-8, or a
 * {@code :shortcode:}. "Emoji sequence" is Unicode's RGI set (UTS #51 {@code RGI_Emoji}, as ICU knows it: single
 * emoji, keycaps, flags, modifier and ZWJ sequences), so text that merely contains an emoji is refused. An emoji
 * written without its variation selector (U+2764 for ❤️) is accepted as its fully qualified form, so the two spellings
 * are one reaction.
 */
final class Emoji {

  static final int MAX_BYTES = 32;
  private static final Pattern SHORTCODE = Pattern.compile(":[a-z0-9_+-]{1,32}:");
  private static final String VARIATION_SELECTOR_16 = "\uFE0F";

  private Emoji() {
  }

  /** The reaction as stored: {@code value} itself, or its fully qualified form; anything else is a 400 (emoji). */
  static String canonical(String value) {
    if (value != null && !value.isEmpty()) {
      if (SHORTCODE.matcher(value).matches()) {
        return value;
      }
      if (value.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
        if (UCharacter.hasBinaryProperty(value, UProperty.RGI_EMOJI)) {
          return value;
        }
        String qualified = value + VARIATION_SELECTOR_16;
        if (value.codePointCount(0, value.length()) == 1 && UCharacter.hasBinaryProperty(qualified, UProperty.RGI_EMOJI)) {
          return qualified;
        }
      }
    }
    throw ParleyException.badRequest("emoji",
        "emoji must be a Unicode emoji (at most " + MAX_BYTES + " bytes) or a :shortcode:");
  }
}
