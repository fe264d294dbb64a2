package dev.gatehouse.connector;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * A connector's client of the Connector API for one account and one app installation: the Domain
 * API for the hosts, Sentinel for the AppJWT, the IDP for each consumer's ConsumerJWS, and the Send
 * API (CONVERSATION, SEND) on behalf of a consumer named by its external id. Right by default:
 *
 * <ul>
 *   <li>the AppJWT is refreshed {@code refreshBefore} (30 min) before its {@code exp}, in the
 *       background, one request at a time however many threads ask; a failed refresh keeps the
 *       current token until it expires;
 *   <li>a Send API 401 with 40102 gets one new AppJWT and one retry; 40103 one new ConsumerJWS and
 *       one retry;
 *   <li>429, 5xx and connection failures are retried 3 times, 5, 10 and 15 s apart (or after the
 *       server's {@code Retry-After}); other 4xx never; then a {@link SendApiException} or {@link
 *       ConnectorException} with the cause.
 * </ul>
 *
 * <p>Thread-safe; share one per app installation. {@link #close()} stops its background thread.
 */
public final class ConnectorClient implements AutoCloseable {
  /** The Send API's name in the Domain API. */
  public static final String SEND_API_SERVICE = "asyncMessagingEnt";

  private final String account;
  private final Transport transport;
  private final Discovery discovery;
  private final AppTokenSource appTokens;
  private final ConsumerTokens consumerTokens;
  private final ExecutorService background;
  private final AtomicLong requestIds = new AtomicLong();

  private ConnectorClient(Builder b) {
    this.account = b.account;
    HttpClient.Builder hb = b.httpClient != null ? null : HttpClient.newBuilder().connectTimeout(b.timeout);
    if (hb != null && b.sslContext != null) {
      hb.sslContext(b.sslContext);
    }
    HttpClient http = b.httpClient != null ? b.httpClient : hb.build();
    this.transport = new Transport(http, b.timeout, b.retryDelays, b.sleeper);
    this.discovery = new Discovery(transport, b.domainApi, b.account, b.clock, b.discoveryTtl);
    this.background = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "gatehouse-connector-refresh");
      t.setDaemon(true);
      return t;
    });
    this.appTokens = new AppTokenSource(transport, discovery, b.account, b.clientId, b.clientSecret, b.clock, b.refreshBefore, background);
    this.consumerTokens = new ConsumerTokens(transport, discovery, appTokens, b.account, b.consumerTokenStore, b.consumerCacheSize);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings, each checked at {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private URI domainApi;
    private String account;
    private String clientId;
    private String clientSecret;
    private SSLContext sslContext;
    private HttpClient httpClient;
    private Clock clock = Clock.systemUTC();
    private Duration refreshBefore = Duration.ofMinutes(30);
    private Duration timeout = Duration.ofSeconds(10);
    private Duration discoveryTtl = Duration.ofMinutes(10);
    private List<Duration> retryDelays = List.of(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15));
    private Sleeper sleeper = Sleeper.REAL;
    private ConsumerTokenStore consumerTokenStore = ConsumerTokenStore.NONE;
    private long consumerCacheSize = 10_000;

    /** Where the Domain API is, e.g. {@code https://api.example.com} (its scheme is used for every host it gives). */
    public Builder domainApi(String url) {
      this.domainApi = URI.create(url.replaceAll("/+$", ""));
      return this;
    }

    public Builder account(String accountId) {
      this.account = accountId;
      return this;
    }

    /** The app installation's credentials. */
    public Builder credentials(String clientId, String clientSecret) {
      this.clientId = clientId;
      this.clientSecret = clientSecret;
      return this;
    }

    /** TLS trust for a private CA or a self-signed server; default the JDK's trust store. */
    public Builder sslContext(SSLContext ctx) {
      this.sslContext = ctx;
      return this;
    }

    /** An HTTP client of your own (then {@link #sslContext} is not used). */
    public Builder httpClient(HttpClient client) {
      this.httpClient = client;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** How long before the AppJWT's expiry it is refreshed (30 min). */
    public Builder refreshBefore(Duration d) {
      this.refreshBefore = d;
      return this;
    }

    /** Per-request timeout (10 s). */
    public Builder timeout(Duration d) {
      this.timeout = d;
      return this;
    }

    /** How long a Domain API answer is used (10 min). */
    public Builder discoveryTtl(Duration d) {
      this.discoveryTtl = d;
      return this;
    }

    /** The waits before each retry; their number is the number of retries (5, 10, 15 s). */
    public Builder retryDelays(List<Duration> delays) {
      this.retryDelays = List.copyOf(delays);
      return this;
    }

    public Builder sleeper(Sleeper s) {
      this.sleeper = s;
      return this;
    }

    /** Where ConsumerJWS are kept beyond the in-memory cache (nowhere by default). */
    public Builder consumerTokenStore(ConsumerTokenStore store) {
      this.consumerTokenStore = store;
      return this;
    }

    /** ConsumerJWS kept in memory (10,000). */
    public Builder consumerCacheSize(long n) {
      this.consumerCacheSize = n;
      return this;
    }

    /** @throws IllegalArgumentException naming the first setting missing or out of range */
    public ConnectorClient build() {
      require(domainApi != null && domainApi.getScheme() != null && domainApi.getHost() != null, "domainApi must be an absolute URL");
      require("https".equals(domainApi.getScheme()) || "http".equals(domainApi.getScheme()), "domainApi must be https (or http for a local test server)");
      require(account != null && !account.isBlank(), "account is required");
      require(clientId != null && !clientId.isBlank() && clientSecret != null && !clientSecret.isBlank(), "credentials(clientId, clientSecret) are required");
      require(!refreshBefore.isNegative(), "refreshBefore must not be negative, got " + refreshBefore);
      require(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive, got " + timeout);
      require(retryDelays.size() <= 10 && retryDelays.stream().noneMatch(Duration::isNegative), "retryDelays must be at most 10 waits of 0 or more");
      require(consumerCacheSize >= 0, "consumerCacheSize must not be negative");
      return new ConnectorClient(this);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }

  // ---- tokens ----

  /** A usable AppJWT (refreshed as described above). */
  public String appJwt() {
    return appTokens.get();
  }

  /** The ConsumerJWS of the consumer with this external id (cached; from the IDP at first). */
  public String consumerJws(String extConsumerId) {
    return consumerTokens.get(extConsumerId);
  }

  // ---- the Send API ----

  /** A SEND answer: the request id echoed, and the event's sequence when it has one. */
  public record Published(String reqId, Integer sequence) {}

  /** Opens a conversation for the consumer (or gets the one it has open): SetUserProfile, then ConsumerRequestConversation. */
  public String openConversation(String extConsumerId, String skillId) {
    String profileId = nextId();
    String requestId = nextId();
    String body = "[{\"kind\":\"req\",\"id\":" + Json.quote(profileId) + ",\"type\":\"userprofile.SetUserProfile\",\"body\":{}},"
        + "{\"kind\":\"req\",\"id\":" + Json.quote(requestId) + ",\"type\":\"cm.ConsumerRequestConversation\",\"body\":{\"brandId\":"
        + Json.quote(account) + ",\"channelType\":\"MESSAGING\"" + (skillId == null ? "" : ",\"skillId\":" + Json.quote(skillId)) + "}}]";
    String answer = sendApi("/messaging/consumer/conversation", extConsumerId, body);
    for (Object item : Json.list(Json.parse(answer))) {
      Map<String, Object> m = Json.map(item);
      if (requestId.equals(m.get("reqId"))) {
        String conv = Json.string(Json.map(m.get("body")), "conversationId");
        if (conv != null) {
          return conv;
        }
      }
    }
    throw new ConnectorException("CONVERSATION answered without a conversationId: " + answer, null);
  }

  public Published sendText(String extConsumerId, String conversationId, String text) {
    return publish(extConsumerId, conversationId, "{\"type\":\"ContentEvent\",\"contentType\":\"text/plain\",\"message\":" + Json.quote(text) + "}");
  }

  /** ACTIVE, INACTIVE, GONE, COMPOSING or PAUSE. */
  public Published sendChatState(String extConsumerId, String conversationId, String chatState) {
    return publish(extConsumerId, conversationId, "{\"type\":\"ChatStateEvent\",\"chatState\":" + Json.quote(chatState) + "}");
  }

  /** Marks the agent's messages with these sequences: ACCEPT, READ, ACCESS, NACK or ACTION. */
  public Published sendAcceptStatus(String extConsumerId, String conversationId, String status, List<Integer> sequences) {
    StringBuilder list = new StringBuilder();
    for (int s : sequences) {
      list.append(list.length() == 0 ? "" : ",").append(s);
    }
    return publish(extConsumerId, conversationId,
        "{\"type\":\"AcceptStatusEvent\",\"status\":" + Json.quote(status) + ",\"sequenceList\":[" + list + "]}");
  }

  public Published markRead(String extConsumerId, String conversationId, List<Integer> sequences) {
    return sendAcceptStatus(extConsumerId, conversationId, "READ", sequences);
  }

  public Published markAccepted(String extConsumerId, String conversationId, List<Integer> sequences) {
    return sendAcceptStatus(extConsumerId, conversationId, "ACCEPT", sequences);
  }

  public Published close(String extConsumerId, String conversationId) {
    String id = nextId();
    return published(sendApi("/messaging/consumer/conversation/send", extConsumerId, "{\"kind\":\"req\",\"id\":" + Json.quote(id)
        + ",\"type\":\"cm.UpdateConversationField\",\"body\":{\"conversationId\":" + Json.quote(conversationId)
        + ",\"conversationField\":{\"field\":\"ConversationStateField\",\"conversationState\":\"CLOSE\"}}}"));
  }

  private Published publish(String extConsumerId, String conversationId, String eventJson) {
    String id = nextId();
    return published(sendApi("/messaging/consumer/conversation/send", extConsumerId, "{\"kind\":\"req\",\"id\":" + Json.quote(id)
        + ",\"type\":\"ms.PublishEvent\",\"body\":{\"dialogId\":" + Json.quote(conversationId) + ",\"conversationId\":" + Json.quote(conversationId)
        + ",\"event\":" + eventJson + "}}"));
  }

  private static Published published(String answer) {
    Map<String, Object> m = Json.object(answer);
    return new Published(Json.string(m, "reqId"), Json.integer(Json.map(m.get("body")), "sequence"));
  }

  /** One Send API call with both tokens; one recovery each from 40102 and 40103; the transport's retries. */
  private String sendApi(String path, String extConsumerId, String body) {
    boolean appRenewed = false;
    boolean consumerRenewed = false;
    for (;;) {
      String app = appTokens.get();
      String consumer = consumerTokens.get(extConsumerId);
      try {
        return transport.call("the Send API", () -> transport.request(URI.create(discovery.baseUrl(SEND_API_SERVICE) + "/api/account/"
            + Discovery.enc(account) + path + "?v=3"))
            .header("Authorization", app).header("X-LP-ON-BEHALF", consumer).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), r -> r.status() == 200 ? r.body() : null,
            () -> discovery.forget(SEND_API_SERVICE));
      } catch (SendApiException e) {
        if (e.status() == 401 && e.errorCode() == 40102 && !appRenewed) {
          appTokens.refused(app);
          appRenewed = true;
        } else if (e.status() == 401 && e.errorCode() == 40103 && !consumerRenewed) {
          consumerTokens.refused(extConsumerId, consumer);
          consumerRenewed = true;
        } else {
          throw e;
        }
      }
    }
  }

  private String nextId() {
    return Long.toString(requestIds.incrementAndGet());
  }

  @Override
  public void close() {
    background.shutdownNow();
  }
}
