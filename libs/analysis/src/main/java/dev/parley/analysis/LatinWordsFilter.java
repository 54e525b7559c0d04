package dev.parley.analysis;

import java.io.IOException;
import java.util.List;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.ko.POS;
import org.apache.lucene.analysis.ko.tokenattributes.PartOfSpeechAttribute;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.ConditionalTokenFilter;

/**
 * The English chain of Parley's chat analysis, applied only to the tokens Nori tagged as foreign-language words
 * (Latin): possessives removed, accents folded, English stop words dropped, Porter stemming. Korean tokens pass
 * untouched. One class for both engines: the embedded Lucene index ({@link ChatAnalyzer}) and, as the token
 * filter {@value #NAME} of Parley's OpenSearch plugin, OpenSearch.
 */
public final class LatinWordsFilter extends ConditionalTokenFilter {

  /**
   * English stop words, and the pieces Nori leaves of contractions and possessives, since it splits at the
   * apostrophe ({@code don't} -> don, t; {@code John's} -> john, s).
   */
  public static final CharArraySet STOP_WORDS;

  /** The name under which Parley's OpenSearch plugin registers this filter, and index settings use it. */
  public static final String NAME = "parley_latin_words";

  static {
    CharArraySet words = new CharArraySet(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, false);
    words.addAll(List.of("s", "t", "d", "ll", "m", "re", "ve"));
    STOP_WORDS = CharArraySet.unmodifiableSet(words);
  }

  private final PartOfSpeechAttribute partOfSpeech = addAttribute(PartOfSpeechAttribute.class);

  public LatinWordsFilter(TokenStream input) {
    super(input, latin -> new PorterStemFilter(new StopFilter(new ASCIIFoldingFilter(
        new EnglishPossessiveFilter(latin)), STOP_WORDS)));
  }

  @Override
  protected boolean shouldFilter() throws IOException {
    return partOfSpeech.getLeftPOS() == POS.Tag.SL;
  }
}
