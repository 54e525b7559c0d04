package dev.parley.search;

import java.io.IOException;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.ko.KoreanPartOfSpeechStopFilter;
import org.apache.lucene.analysis.ko.KoreanReadingFormFilter;
import org.apache.lucene.analysis.ko.KoreanTokenizer;
import org.apache.lucene.analysis.ko.POS;
import org.apache.lucene.analysis.ko.tokenattributes.PartOfSpeechAttribute;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.ConditionalTokenFilter;

/**
 * The analyzer of message text, for Korean and Latin text alike, mixed in one message or not.
 *
 * <p>Nori's tokenizer splits Korean into morphemes (decompounding compound nouns into their parts), so
 * {@code 서버} matches {@code 서버가 느려요} and {@code 검색} matches {@code 검색했습니다}; its part-of-speech
 * filter drops particles and endings (가, 를, 했습니다). Nori also segments runs of other scripts and tags Latin
 * words as foreign (SL): those — and only those — go through an English chain: possessives removed, accents
 * folded, English stop words dropped, Porter stemming (so {@code deploying} matches {@code deployed}).
 * Everything is lower-cased. The same analyzer runs at index and query time.
 */
public final class ChatAnalyzer extends Analyzer {

  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    KoreanTokenizer tokenizer = new KoreanTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, null,
        KoreanTokenizer.DecompoundMode.DISCARD, false, true);
    TokenStream stream = new KoreanPartOfSpeechStopFilter(tokenizer, KoreanPartOfSpeechStopFilter.DEFAULT_STOP_TAGS);
    stream = new KoreanReadingFormFilter(stream);
    stream = new LowerCaseFilter(stream);
    stream = new LatinWords(stream);
    return new TokenStreamComponents(tokenizer, stream);
  }

  @Override
  protected TokenStream normalize(String fieldName, TokenStream in) {
    return new LowerCaseFilter(in);
  }

  /**
   * English stop words, and the pieces Nori leaves of contractions and possessives, since it splits at the
   * apostrophe ({@code don't} -> don, t; {@code John's} -> john, s).
   */
  static final CharArraySet STOP_WORDS;

  static {
    CharArraySet words = new CharArraySet(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, false);
    words.addAll(List.of("s", "t", "d", "ll", "m", "re", "ve"));
    STOP_WORDS = CharArraySet.unmodifiableSet(words);
  }

  /** The English chain, applied to the tokens Nori tagged as foreign-language words. */
  private static final class LatinWords extends ConditionalTokenFilter {

    private final PartOfSpeechAttribute partOfSpeech = addAttribute(PartOfSpeechAttribute.class);

    LatinWords(TokenStream input) {
      super(input, latin -> new PorterStemFilter(new StopFilter(new ASCIIFoldingFilter(
          new EnglishPossessiveFilter(latin)), STOP_WORDS)));
    }

    @Override
    protected boolean shouldFilter() throws IOException {
      return partOfSpeech.getLeftPOS() == POS.Tag.SL;
    }
  }
}
