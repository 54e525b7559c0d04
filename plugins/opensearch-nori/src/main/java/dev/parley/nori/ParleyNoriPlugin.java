package dev.parley.nori;

import dev.parley.analysis.LatinWordsFilter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.ko.KoreanAnalyzer;
import org.apache.lucene.analysis.ko.KoreanPartOfSpeechStopFilter;
import org.apache.lucene.analysis.ko.KoreanReadingFormFilter;
import org.apache.lucene.analysis.ko.KoreanTokenizer;
import org.apache.lucene.analysis.ko.POS;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;
import org.opensearch.index.analysis.AbstractTokenizerFactory;
import org.opensearch.index.analysis.AnalyzerProvider;
import org.opensearch.index.analysis.TokenFilterFactory;
import org.opensearch.index.analysis.TokenizerFactory;
import org.opensearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.opensearch.plugins.AnalysisPlugin;
import org.opensearch.plugins.Plugin;

/**
 * Registers Lucene's Korean analysis with OpenSearch under the names the official analysis-nori plugin uses
 * (so index settings written for it work unchanged): tokenizer {@code nori_tokenizer} ({@code decompound_mode},
 * {@code discard_punctuation}), filters {@code nori_part_of_speech} ({@code stoptags}) and
 * {@code nori_readingform}, analyzer {@code nori}; plus {@value LatinWordsFilter#NAME}, Parley's English chain
 * for foreign words ({@link LatinWordsFilter}, of libs/analysis).
 */
public final class ParleyNoriPlugin extends Plugin implements AnalysisPlugin {

  @Override
  public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
    return Map.of("nori_tokenizer", ParleyNoriPlugin::tokenizer);
  }

  @Override
  public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
    return Map.of(
        "nori_part_of_speech", ParleyNoriPlugin::partOfSpeech,
        "nori_readingform", (index, env, name, settings) -> filter(index, name, settings, KoreanReadingFormFilter::new),
        LatinWordsFilter.NAME, (index, env, name, settings) -> filter(index, name, settings, LatinWordsFilter::new));
  }

  @Override
  public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
    return Map.of("nori", (index, env, name, settings) -> new AbstractIndexAnalyzerProvider<KoreanAnalyzer>(index,
        name, settings) {
      private final KoreanAnalyzer analyzer = new KoreanAnalyzer(null, decompoundMode(settings), stopTags(settings),
          false);

      @Override
      public KoreanAnalyzer get() {
        return analyzer;
      }
    });
  }

  private static TokenizerFactory tokenizer(IndexSettings index, Environment env, String name, Settings settings) {
    KoreanTokenizer.DecompoundMode mode = decompoundMode(settings);
    boolean discardPunctuation = settings.getAsBoolean("discard_punctuation", true);
    return new AbstractTokenizerFactory(index, settings, name) {
      @Override
      public Tokenizer create() {
        return new KoreanTokenizer(KoreanTokenizer.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, null, mode, false,
            discardPunctuation);
      }
    };
  }

  private static TokenFilterFactory partOfSpeech(IndexSettings index, Environment env, String name, Settings settings) {
    Set<POS.Tag> tags = stopTags(settings);
    return filter(index, name, settings, stream -> new KoreanPartOfSpeechStopFilter(stream, tags));
  }

  private interface Wrap {
    TokenStream apply(TokenStream input);
  }

  private static TokenFilterFactory filter(IndexSettings index, String name, Settings settings, Wrap wrap) {
    return new AbstractTokenFilterFactory(index, name, settings) {
      @Override
      public TokenStream create(TokenStream stream) {
        return wrap.apply(stream);
      }
    };
  }

  private static KoreanTokenizer.DecompoundMode decompoundMode(Settings settings) {
    String mode = settings.get("decompound_mode");
    return mode == null ? KoreanTokenizer.DEFAULT_DECOMPOUND
        : KoreanTokenizer.DecompoundMode.valueOf(mode.toUpperCase(Locale.ROOT));
  }

  private static Set<POS.Tag> stopTags(Settings settings) {
    List<String> listed = settings.getAsList("stoptags", null);
    if (listed == null) {
      return KoreanPartOfSpeechStopFilter.DEFAULT_STOP_TAGS;
    }
    Set<POS.Tag> tags = new HashSet<>();
    listed.forEach(tag -> tags.add(POS.resolveTag(tag)));
    return tags;
  }
}
