package dev.gatehouse.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.TestServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With tracing on, requests, signatures and store calls are spans (the SDK's in-memory exporter stands in for a collector). */
class TracingTest {
  @AfterEach
  void stop() {
    Tracing.stop();
  }

  @Test
  void aTokenRequest_isAServerSpan_withItsSignatureAsAChild_andStoreCallsAreSpans() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    Tracing.start(exporter, "test");
    try (TestServer server = TestServer.start()) {
      TestServer.AppCredentials app = server.accountWithApp("5400");
      String jwt = server.appJwt(app);
      Tracing.flush();
      List<SpanData> spans = exporter.getFinishedSpanItems();
      SpanData request = spans.stream().filter(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("POST sentinel_token")).findFirst().orElseThrow();
      assertThat(request.getAttributes().get(AttributeKey.stringKey("url.path"))).isEqualTo("/sentinel/api/account/5400/app/token");
      assertThat(request.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
      SpanData sign = spans.stream().filter(s -> s.getName().equals("sign") && s.getParentSpanId().equals(request.getSpanId())).findFirst().orElseThrow();
      assertThat(sign.getTraceId()).isEqualTo(request.getTraceId());
      assertThat(sign.getAttributes().get(AttributeKey.stringKey("gatehouse.kid"))).isEqualTo(TestServer.header(jwt).getString("kid"));
      assertThat(spans).anySatisfy(s -> {
        assertThat(s.getName()).startsWith("store ");
        assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
      });
      // nothing secret in any span: not the client secret, not the token (the query string is never a path)
      assertThat(spans.toString()).doesNotContain(app.clientSecret()).doesNotContain(jwt);
    }
  }

  @Test
  void off_byDefault_noSpansAndNoCost() {
    assertThat(Tracing.start("x")).isNull();
  }
}
