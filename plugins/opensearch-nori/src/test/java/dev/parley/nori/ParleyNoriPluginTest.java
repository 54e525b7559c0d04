package dev.parley.nori;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.analysis.ChatAnalyzer;
import dev.parley.analysis.LatinWordsFilter;
import dev.parley.analysis.Tokens;
import java.io.IOException;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.junit.jupiter.api.Test;
import org.opensearch.Version;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.common.settings.Settings;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.TokenFilterFactory;
import org.opensearch.index.analysis.TokenizerFactory;

/**
 * The plugin's analysis components as OpenSearch creates them from index settings (the factories, without a
 * server): the chain of the search verticle's index settings ({@code OpenSearchSchema}) makes the same terms as
 * the Lucene engine's {@link ChatAnalyzer}, and the settings of the official analysis-nori names are honoured.
 */
class ParleyNoriPluginTest {

  private static final ParleyNoriPlugin PLUGIN = new ParleyNoriPlugin();
  private static final IndexSettings INDEX = new IndexSettings(IndexMetadata.builder("messages")
      .settings(Settings.builder().put(IndexMetadata.SETTING_VERSION_CREATED, Version.CURRENT))
      .numberOfShards(1).numberOfReplicas(0).build(), Settings.EMPTY);

  private static TokenizerFactory tokenizer(Settings settings) throws IOException {
    return PLUGIN.getTokenizers().get("nori_tokenizer").get(INDEX, null, "parley_nori", settings);
  }

  private static TokenFilterFactory filter(String type, Settings settings) throws IOException {
    return PLUGIN.getTokenFilters().get(type).get(INDEX, null, type, settings);
  }

  /** A custom analyzer from the plugin's factories, as OpenSearch builds one from {@code analysis} settings. */
  private static Analyzer custom(TokenizerFactory tokenizer, TokenFilterFactory... filters) {
    return new Analyzer() {
      @Override
      protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = tokenizer.create();
        TokenStream stream = source;
        for (TokenFilterFactory filter : filters) {
          stream = filter.create(stream);
        }
        return new TokenStreamComponents(source, stream);
      }
    };
  }

  /** OpenSearchSchema's {@code parley_chat}; {@code lowercase} (of analysis-common) is Lucene's LowerCaseFilter. */
  private static Analyzer parleyChat() throws IOException {
    TokenFilterFactory lowercase = new TokenFilterFactory() {
      @Override
      public String name() {
        return "lowercase";
      }

      @Override
      public TokenStream create(TokenStream stream) {
        return new LowerCaseFilter(stream);
      }
    };
    return custom(tokenizer(Settings.builder().put("decompound_mode", "discard").put("discard_punctuation", true)
            .build()), filter("nori_part_of_speech", Settings.EMPTY), filter("nori_readingform", Settings.EMPTY),
        lowercase, filter(LatinWordsFilter.NAME, Settings.EMPTY));
  }

  @Test
  void theIndexChainFindsKoreanByMorphemeAndStemsEnglish() throws IOException {
    try (Analyzer chat = parleyChat()) {
      assertThat(Tokens.of(chat, "서버가 느려요")).containsExactly("서버", "느리");
      assertThat(Tokens.of(chat, "서버")).containsExactly("서버");
      assertThat(Tokens.of(chat, "The servers are DEPLOYING")).containsExactly("server", "deploi");
      assertThat(Tokens.of(chat, "서버 error를 deployed 했어요")).containsExactly("서버", "error", "deploi");
    }
  }

  @Test
  void theIndexChainMakesTheSameTermsAsTheLuceneEngine() throws IOException {
    List<String> texts = List.of("서버가 느려요", "데이터베이스를 확인했습니다", "회의 일정을 공유해 주세요",
        "John's café doesn't open", "I restarted the kafka cluster after the outage", "배포 deploy 배포했습니다 deployed",
        "漢字 표기", "ＡＢＣ Ünïcödé", "emoji 🎉 and punctuation!?");
    try (Analyzer chat = parleyChat(); Analyzer lucene = new ChatAnalyzer()) {
      for (String text : texts) {
        assertThat(Tokens.of(chat, text)).as(text).isEqualTo(Tokens.of(lucene, text));
      }
    }
  }

  @Test
  void theTokenizerHonoursDecompoundMode() throws IOException {
    TokenizerFactory mixed = tokenizer(Settings.builder().put("decompound_mode", "mixed").build());
    TokenizerFactory none = tokenizer(Settings.builder().put("decompound_mode", "none").build());
    try (Analyzer keepBoth = custom(mixed); Analyzer whole = custom(none)) {
      assertThat(Tokens.of(keepBoth, "데이터베이스")).containsExactly("데이터베이스", "데이터", "베이스");
      assertThat(Tokens.of(whole, "데이터베이스")).containsExactly("데이터베이스");
    }
  }

  @Test
  void thePartOfSpeechFilterHonoursStopTags() throws IOException {
    TokenizerFactory discard = tokenizer(Settings.EMPTY);
    try (Analyzer defaults = custom(discard, filter("nori_part_of_speech", Settings.EMPTY));
        Analyzer noNouns = custom(discard, filter("nori_part_of_speech",
            Settings.builder().putList("stoptags", "NNG", "JKS").build()))) {
      // The particle 가 (JKS) and the ending 어요 (EF) are default stop tags.
      assertThat(Tokens.of(defaults, "서버가 느려요")).containsExactly("서버", "느리");
      assertThat(Tokens.of(noNouns, "서버가")).isEmpty();
    }
  }

  @Test
  void theReadingFormFilterWritesHanjaInHangul() throws IOException {
    try (Analyzer reading = custom(tokenizer(Settings.EMPTY), filter("nori_readingform", Settings.EMPTY))) {
      assertThat(Tokens.of(reading, "漢字")).containsExactly("한자");
    }
  }

  @Test
  void theNoriAnalyzerIsRegistered() throws IOException {
    Analyzer nori = PLUGIN.getAnalyzers().get("nori").get(INDEX, null, "nori", Settings.EMPTY).get();
    assertThat(Tokens.of(nori, "서버가 느려요")).containsExactly("서버", "느리");
  }
}
