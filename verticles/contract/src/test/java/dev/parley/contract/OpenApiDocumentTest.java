package dev.parley.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** api/openapi.json is a valid OpenAPI 3.1 document, as swagger-parser reads it (with references resolved). */
class OpenApiDocumentTest {

  @Test
  void isAValidOpenApi31Document() throws IOException {
    String text;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("api/openapi.json")) {
      assertThat(in).isNotNull();
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result = new OpenAPIParser().readContents(text, null, options);
    assertThat(result.getMessages()).as("swagger-parser messages").isEmpty();
    assertThat(result.getOpenAPI()).isNotNull();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
    assertThat(result.getOpenAPI().getPaths()).containsKeys("/bots", "/rooms/{roomId}/hooks", "/webhooks/{hookId}/{secret}");
  }
}
