package org.ha4j.health.net;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import org.ha4j.health.AsyncProbe;
import org.ha4j.health.ProbeContext;
import org.ha4j.health.ProbeResult;

/**
 * An HTTP(S) GET with the JDK {@link HttpClient}: healthy when the status is in the expected range
 * and, if asked, the body contains a given text.
 *
 * <pre>{@code
 * AsyncProbe app = HttpProbe.get(URI.create("http://192.168.122.12:8080/health"))
 *         .expectStatus(200, 299).expectBodyContaining("\"status\":\"UP\"").build();
 * }</pre>
 *
 * <p>The default range 200-399 is HAProxy's {@code option httpchk} rule (2xx and 3xx pass).
 * Redirects are not followed: a 302 is the answer of the server checked. Only the first {@link
 * #BODY_LIMIT} bytes of a body are read. Every HTTP probe shares one client (one selector thread),
 * unless it brings its own TLS context.
 */
public final class HttpProbe {

  /** How much of a body is read when looking for the expected text. */
  public static final int BODY_LIMIT = 64 * 1024;

  private HttpProbe() {}

  public static Builder get(URI uri) {
    Objects.requireNonNull(uri, "uri");
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException(
          "an HTTP probe needs an http:// or https:// URI, got " + uri);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("an HTTP probe's URI needs a host, got " + uri);
    }
    return new Builder(uri);
  }

  private static final class SharedClient {
    static final HttpClient INSTANCE = newClient(null);
  }

  private static HttpClient newClient(SSLContext sslContext) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1);
    if (sslContext != null) {
      builder.sslContext(sslContext);
    }
    return builder.build();
  }

  public static final class Builder {
    private final URI uri;
    private int minStatus = 200;
    private int maxStatus = 399;
    private String bodyContains;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private SSLContext sslContext;

    private Builder(URI uri) {
      this.uri = uri;
    }

    /** The statuses that pass, inclusive; each 100-599. */
    public Builder expectStatus(int min, int max) {
      if (min < 100 || max > 599 || min > max) {
        throw new IllegalArgumentException(
            "status range must be within 100-599 with min <= max, got " + min + "-" + max);
      }
      this.minStatus = min;
      this.maxStatus = max;
      return this;
    }

    /**
     * Also require this text within the first {@value HttpProbe#BODY_LIMIT} bytes of the body
     * (UTF-8).
     */
    public Builder expectBodyContaining(String text) {
      if (text.isEmpty() || text.getBytes(StandardCharsets.UTF_8).length > BODY_LIMIT) {
        throw new IllegalArgumentException(
            "the expected body text must be 1-" + BODY_LIMIT + " bytes");
      }
      this.bodyContains = text;
      return this;
    }

    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** For HTTPS against a private CA; the JVM's default trust otherwise. */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    public AsyncProbe build() {
      HttpClient client = sslContext == null ? SharedClient.INSTANCE : newClient(sslContext);
      return new Get(client, uri, minStatus, maxStatus, bodyContains, Map.copyOf(headers));
    }
  }

  private record Get(
      HttpClient client,
      URI uri,
      int minStatus,
      int maxStatus,
      String bodyContains,
      Map<String, String> headers)
      implements AsyncProbe {

    @Override
    public CompletionStage<ProbeResult> start(ProbeContext context) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .GET()
              .timeout(context.timeout())
              .header("User-Agent", "ha4j-health");
      headers.forEach(request::header);
      CompletableFuture<HttpResponse<byte[]>> exchange =
          client.sendAsync(
              request.build(), info -> new BoundedBody(bodyContains == null ? 0 : BODY_LIMIT));
      context.onCancel(() -> exchange.cancel(true));
      return exchange.handle(
          (response, failure) -> {
            if (failure != null) {
              Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
              return ProbeResult.failed(
                  "GET "
                      + uri
                      + ": "
                      + cause.getClass().getSimpleName()
                      + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
            }
            int status = response.statusCode();
            if (status < minStatus || status > maxStatus) {
              return ProbeResult.failed(
                  "HTTP " + status + " from " + uri + ", expected " + minStatus + "-" + maxStatus);
            }
            if (bodyContains != null
                && !new String(response.body(), StandardCharsets.UTF_8).contains(bodyContains)) {
              return ProbeResult.failed(
                  "HTTP "
                      + status
                      + " from "
                      + uri
                      + " without '"
                      + bodyContains
                      + "' in the body");
            }
            return ProbeResult.ok("HTTP " + status + " from " + uri);
          });
    }

    @Override
    public String toString() {
      return "http " + uri;
    }
  }

  /** Keeps the first {@code limit} bytes of a body, then stops reading and completes. */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final byte[] kept;
    private int length;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(int limit) {
      this.limit = limit;
      this.kept = new byte[limit];
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      this.subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        int take = Math.min(buffer.remaining(), limit - length);
        buffer.get(kept, length, take);
        length += take;
      }
      if (length >= limit) {
        finish();
        subscription.cancel();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable failure) {
      body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      finish();
    }

    private void finish() {
      byte[] copy = new byte[length];
      System.arraycopy(kept, 0, copy, 0, length);
      body.complete(copy);
    }
  }
}
