package dev.parley.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ko.KoreanPartOfSpeechStopFilter;
import org.apache.lucene.analysis.ko.KoreanReadingFormFilter;
import org.apache.lucene.analysis.ko.KoreanTokenizer;

/**
 * The analyzer of message text, for Korean and Latin text alike, mixed in one message or not.
 *
 * <p>Nori's tokenizer splits Korean into morphemes (decompounding compound nouns into their parts), so
 * {@code 서버} matches {@code 서버가 느려요} and {@code 검색} matches {@code 검색했습니다}; its part-of-speech
 * filter drops particles and endings (가, 를, 했습니다). Nori also segments runs of other scripts and tags Latin
 * words as foreign (SL): those — and only those — go through an English chain: possessives removed, accents
 * folded, English stop words dropped, Porter stemming (so {@code deploying} matches {@code deployed}).
 * Everything is lower-cased. The same analyzer runs at index and query time, and the OpenSearch engine builds the
 * same chain from the same classes: Nori's, registered by the plugin {@code plugins/opensearch-nori}, and
 * {@link LatinWordsFilter} as {@value LatinWordsFilter#NAME}.
 */
public final class ChatAnalyzer extends Analyzer {

  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    KoreanTokenizer tokenizer = new KoreanTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, null,
        KoreanTokenizer.DecompoundMode.DISCARD, false, true);
    TokenStream stream = new KoreanPartOfSpeechStopFilter(tokenizer, KoreanPartOfSpeechStopFilter.DEFAULT_STOP_TAGS);
    stream = new KoreanReadingFormFilter(stream);
    stream = new LowerCaseFilter(stream);
    stream = new LatinWordsFilter(stream);
    return new TokenStreamComponents(tokenizer, stream);
  }

  @Override
  protected TokenStream normalize(String fieldName, TokenStream in) {
    return new LowerCaseFilter(in);
  }
}
