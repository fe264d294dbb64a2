package dev.gatehouse.tracing;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Spans for each HTTP request, each store call and each signature, exported over OTLP/HTTP
 * ({@code serve --otlp-endpoint http://collector:4318/v1/traces}) in batches by a background
 * thread. Off by default: then {@link #start} returns null and callers do nothing. A request's
 * span is current on the event loop while its handlers run, so a signature made there is its
 * child; store calls run on worker threads and are spans of their own.
 *
 * <p>Thread-safe. Spans carry no secret, token or external id: methods, paths without the query,
 * statuses, key ids, statement kinds.
 */
public final class Tracing {
  private static volatile Tracer tracer;
  private static SdkTracerProvider provider;

  private Tracing() {}

  /** Exports to an OTLP/HTTP traces endpoint. @throws IllegalArgumentException for a URL that is not http(s) */
  public static synchronized void start(String endpoint, String version) {
    if (endpoint == null || !(endpoint.startsWith("http://") || endpoint.startsWith("https://"))) {
      throw new IllegalArgumentException("--otlp-endpoint must be an http(s) URL, e.g. http://collector:4318/v1/traces, got '" + endpoint + "'");
    }
    start(OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build(), version);
  }

  /** Exports to {@code exporter} (tests pass an in-memory one). */
  public static synchronized void start(SpanExporter exporter, String version) {
    stop();
    provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(Attributes.builder()
            .put("service.name", "gatehouse").put("service.version", version).build())))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
        .build();
    tracer = provider.get("dev.gatehouse", version);
  }

  /** Sends what is buffered and stops. */
  public static synchronized void stop() {
    tracer = null;
    if (provider != null) {
      provider.shutdown().join(5, java.util.concurrent.TimeUnit.SECONDS);
      provider = null;
    }
  }

  /** Sends what is buffered now (tests). */
  public static synchronized void flush() {
    if (provider != null) {
      provider.forceFlush().join(5, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** Whether spans are being made (check it before building a span's name on a hot path). */
  public static boolean on() {
    return tracer != null;
  }

  /** A started span, or null when tracing is off. End it with {@link #end}. */
  public static Span start(String name, SpanKind kind) {
    Tracer t = tracer;
    return t == null ? null : t.spanBuilder(name).setSpanKind(kind).startSpan();
  }

  /** A started internal span, or null when tracing is off. */
  public static Span start(String name) {
    return start(name, SpanKind.INTERNAL);
  }

  public static void end(Span span) {
    if (span != null) {
      span.end();
    }
  }
}
