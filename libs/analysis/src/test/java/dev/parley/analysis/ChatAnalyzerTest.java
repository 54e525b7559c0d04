package dev.parley.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.apache.lucene.analysis.Analyzer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The terms of the chain both engines index and query with (the engines' own tests search with it). */
class ChatAnalyzerTest {

  private static final Analyzer ANALYZER = new ChatAnalyzer();

  @AfterAll
  static void close() {
    ANALYZER.close();
  }

  @Test
  void koreanIsSplitIntoMorphemesAndParticlesAndEndingsAreDropped() throws IOException {
    assertThat(Tokens.of(ANALYZER, "서버가 느려요")).containsExactly("서버", "느리");
    assertThat(Tokens.of(ANALYZER, "검색했습니다")).containsExactly("검색");
    // Compound nouns are decompounded (the compound itself is discarded), so either part finds them.
    assertThat(Tokens.of(ANALYZER, "데이터베이스를 확인했습니다")).containsExactly("데이터", "베이스", "확인");
  }

  @Test
  void englishWordsAreLowerCasedStemmedAndStopWordsDropped() throws IOException {
    assertThat(Tokens.of(ANALYZER, "The servers are DEPLOYING")).containsExactly("server", "deploi");
    assertThat(Tokens.of(ANALYZER, "deployed")).isEqualTo(Tokens.of(ANALYZER, "deploying"));
    // Possessives and the pieces Nori leaves of contractions go, accents fold.
    assertThat(Tokens.of(ANALYZER, "John's café doesn't")).containsExactly("john", "cafe", "doesn");
  }

  @Test
  void mixedTextGetsEachChainOnItsOwnWords() throws IOException {
    assertThat(Tokens.of(ANALYZER, "서버 error를 deployed 했어요")).containsExactly("서버", "error", "deploi");
    // Korean nouns are never Porter-stemmed (only tokens Nori tags as foreign go through the English chain).
    assertThat(Tokens.of(ANALYZER, "배포가 끝났습니다")).startsWith("배포");
  }
}
