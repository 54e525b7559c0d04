package dev.parley.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * api/asyncapi.json is a valid AsyncAPI 3 document, as the AsyncAPI initiative's parser ({@code @asyncapi/parser},
 * pinned in web/package.json; {@code npm ci} in web/ installs it, as scripts/test does) reads it.
 */
class AsyncApiDocumentTest {

  @Test
  void isAValidAsyncApi3Document() throws IOException, InterruptedException {
    Path web = Path.of("../../web").toAbsolutePath().normalize();
    Path document = Path.of("src/main/resources/api/asyncapi.json").toAbsolutePath();
    assertThat(web.resolve("node_modules/@asyncapi/parser")).as("run npm ci in web/ first").exists();
    Process node = new ProcessBuilder("node", "apidocs/validate-asyncapi.mjs", document.toString())
        .directory(web.toFile()).redirectErrorStream(true).start();
    boolean finished = node.waitFor(120, TimeUnit.SECONDS);
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(finished).as("the validator finished").isTrue();
    assertThat(node.exitValue()).as(output).isZero();
    assertThat(output).contains("VALID AsyncAPI 3.0.0").doesNotContain("warning");
    assertThat(Files.readString(document)).contains("\"asyncapi\": \"3.0.0\"");
  }
}
