package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.ServeProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What one unauthenticated client can do to a node, tried on real sockets against a real {@code
 * serve} process with the launcher's heap: ambiguous framing is refused and the connection closed
 * (RFC 9112 §6.1, §6.3), slow and stalled connections are closed at their deadlines, thousands of
 * connections that declare bodies they never send cost no more than what they sent, and the node
 * keeps serving everyone else meanwhile.
 */
class HostileConnectionsTest {
  private static ServeProcess server;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws IOException {
    server = ServeProcess.start(Files.createTempDirectory("gatehouse-hostile").resolve("data"), List.of("-Xmx96m", "-Xmn32m"), Map.of(),
        "--header-timeout", "2", "--body-timeout", "3", "--idle-timeout", "5", "--max-connections", "12000");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String exchange(String raw) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private static int statusCount(String responses) {
    return responses.split("HTTP/1\\.1 ", -1).length - 1;
  }

  @Test
  void contentLengthWithTransferEncoding_is400_andTheSmuggledRequestIsNeverAnswered() throws IOException {
    String smuggled = "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n";
    String body = "0\r\n\r\n" + smuggled;
    String got = exchange("POST /oauth/introspect HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
        + "\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n" + body);
    assertThat(got).startsWith("HTTP/1.1 400");
    assertThat(statusCount(got)).as("responses on the connection, which the server closed:\n" + got).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Transfer-Encoding: gzip\r\n",
      "Transfer-Encoding: chunked, chunked\r\n",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: xchunked\r\n",
      "Content-Length: 5\r\nContent-Length: 6\r\n",
      "Content-Length: +5\r\n",
      "Content-Length: 5 5\r\n",
      "Content-Length : 5\r\n",
  })
  void ambiguousFraming_is400_andClosesTheConnection(String framing) throws IOException {
    String got = exchange("POST /oauth/introspect HTTP/1.1\r\nHost: x\r\n" + framing + "\r\nhello0\r\n\r\nGET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(got).startsWith("HTTP/1.1 400");
    assertThat(statusCount(got)).as(got).isEqualTo(1);
  }

  @Test
  void transferEncodingOnHttp10_is400() throws IOException {
    String got = exchange("POST /oauth/introspect HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assertThat(got).matches("(?s)HTTP/1.[01] 400.*").doesNotContain("200 OK");
  }

  @Test
  void slowHeaders_andStalledBodies_areClosedAtTheirDeadlines() throws Exception {
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Socket s = new Socket("127.0.0.1", server.port());
      s.setSoTimeout(200);
      s.getOutputStream().write(i % 2 == 0 ? "G".getBytes() : "POST /oauth/introspect HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab".getBytes());
      slow.add(s);
    }
    // one byte a second keeps a socket's idle timer happy, but not the header or body deadline
    long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    int open = slow.size();
    while (System.nanoTime() < end && open > 0) {
      open = 0;
      for (Socket s : slow) {
        if (!isClosedByPeer(s)) {
          open++;
          try {
            s.getOutputStream().write('E');
          } catch (IOException closed) {
            open--;
          }
        }
      }
      Thread.sleep(1000);
    }
    assertThat(open).as("slow connections still open after 8 s with deadlines of 2-3 s").isZero();
    for (Socket s : slow) {
      s.close();
    }
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
  }

  private static boolean isClosedByPeer(Socket s) {
    try {
      InputStream in = s.getInputStream();
      while (true) {
        int b = in.read();
        if (b < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void thousandsOfConnectionsDeclaringBodiesTheyNeverSend_doNotTakeTheNodeDown() throws Exception {
    List<Socket> hostile = new ArrayList<>();
    InetAddress from = InetAddress.getByName("127.0.0.2");
    try {
      for (int i = 0; i < 6000; i++) {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /api/account/5313846/consumer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 16384\r\n\r\n{")
            .getBytes(StandardCharsets.US_ASCII));
        hostile.add(s);
        if (i % 1000 == 999) {
          // everyone else is still served while they hang
          assertThat(get("/health/live").statusCode()).isEqualTo(200);
          assertThat(get("/.well-known/jwks.json").statusCode()).isEqualTo(200);
        }
      }
      assertThat(server.isAlive()).isTrue();
      assertThat(get("/.well-known/jwks.json").statusCode()).isEqualTo(200);
    } finally {
      for (Socket s : hostile) {
        s.close();
      }
    }
    assertThat(server.output()).doesNotContain("OutOfMemoryError");
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.base() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 500) {
      throw new AssertionError(path + " answered " + r.statusCode() + " " + r.body() + "\n" + server.output());
    }
    return r;
  }
}
