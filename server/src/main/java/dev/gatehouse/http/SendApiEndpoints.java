package dev.gatehouse.http;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.issuance.MessagingAccess;
import dev.gatehouse.sandbox.ConsumerEvent;
import dev.gatehouse.sandbox.Conversation;
import dev.gatehouse.sandbox.Conversations;
import dev.gatehouse.sandbox.SandboxRefused;
import dev.gatehouse.sandbox.SandboxSettings;
import dev.gatehouse.sandbox.SandboxSettingsDirectory;
import dev.gatehouse.verifier.ErrorCode;
import dev.gatehouse.verifier.Identity;
import dev.gatehouse.verifier.JsonText;
import dev.gatehouse.verifier.Rejection;
import dev.gatehouse.verifier.Verification;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The Send API of the sandbox ({@code serve --sandbox}): CONVERSATION and SEND as the vendor
 * documents them, on the host the Domain API gives for {@code asyncMessagingEnt}. Each request is
 * authorized by {@link MessagingAccess}, the same check as {@code /gateway/authorize}: its 401
 * bodies are the documented {@code .ReqBody$ErrorResp} ones. Other refusals (our decision where
 * the documentation is silent) have the same shape with their own status: {@code
 * {"kind":"resp","reqId":"1","code":400,"body":{"title":"Bad Request","details":"..."},"type":".ReqBody$ErrorResp"}}.
 *
 * <p>Reading the request and the auth check run on the event loop; the conversation change (the
 * store) on a worker.
 */
final class SendApiEndpoints {
  private final Vertx vertx;
  private final MessagingAccess access;
  private final Conversations conversations;
  private final SandboxSettingsDirectory settings;
  private final MeterRegistry metrics;

  SendApiEndpoints(Vertx vertx, MessagingAccess access, Conversations conversations, SandboxSettingsDirectory settings, MeterRegistry metrics) {
    this.vertx = vertx;
    this.access = access;
    this.conversations = conversations;
    this.settings = settings;
    this.metrics = metrics;
  }

  /** A refusal with its status, the request id it answers (or null) and the details. */
  private static final class Refused extends RuntimeException {
    final int status;
    final String reqId;

    Refused(int status, String reqId, String details) {
      super(details, null, false, false);
      this.status = status;
      this.reqId = reqId;
    }
  }

  /** {@code POST /api/account/{accountId}/messaging/consumer/conversation}: SetUserProfile + ConsumerRequestConversation. */
  void conversation(RoutingContext ctx) {
    handle(ctx, "CONVERSATION", (caller, body) -> {
      List<JsonObject> items = requestArray(body);
      JsonObject profile = items.get(0);
      String profileId = reqId(profile, 0);
      if (!"userprofile.SetUserProfile".equals(profile.getValue("type"))) {
        throw new Refused(400, profileId, "the first request must be userprofile.SetUserProfile (then cm.ConsumerRequestConversation), got "
            + describeType(profile));
      }
      checkProfile(profile, profileId);
      JsonObject request = null;
      String requestId = null;
      for (int i = 1; i < items.size(); i++) {
        JsonObject item = items.get(i);
        String id = reqId(item, i);
        if (!"cm.ConsumerRequestConversation".equals(item.getValue("type"))) {
          throw new Refused(400, id, "request " + i + " must be cm.ConsumerRequestConversation, got " + describeType(item));
        }
        if (request != null) {
          throw new Refused(400, id, "only one cm.ConsumerRequestConversation may be sent at once");
        }
        request = item;
        requestId = id;
      }
      Conversations.OpenRequest open = openRequest(caller.account(), request, requestId);
      String rid = requestId;
      return () -> {
        Conversation c = conversations.open(caller, open);
        return new JsonArray()
            .add(new JsonObject().put("code", "OK").put("body", new JsonObject().put("msg", "OK User Profile set successfully")).put("reqId", profileId))
            .add(new JsonObject().put("code", "OK").put("body", new JsonObject().put("conversationId", c.id())).put("reqId", rid))
            .encode();
      };
    });
  }

  /** {@code POST /api/account/{accountId}/messaging/consumer/conversation/send}: one request. */
  void send(RoutingContext ctx) {
    handle(ctx, "SEND", (caller, body) -> {
      if (!(body instanceof JsonObject req)) {
        throw new Refused(400, null, "the body must be one request object {\"kind\":\"req\",\"id\":..,\"type\":..,\"body\":{..}}");
      }
      String id = reqId(req, -1);
      Object type = req.getValue("type");
      JsonObject b = object(req, "body", id, "body");
      if ("ms.PublishEvent".equals(type)) {
        String conv = dialogId(b, id);
        ConsumerEvent event = event(object(b, "event", id, "body.event"), id);
        return () -> {
          Integer seq = conversations.publish(caller, conv, event);
          return ok(id, seq == null ? new JsonObject() : new JsonObject().put("sequence", seq));
        };
      }
      if ("cm.UpdateConversationField".equals(type)) {
        String conv = string(b, "conversationId", id, "body.conversationId");
        boolean close = closes(b.getValue("conversationField"), id);
        return () -> {
          if (close) {
            conversations.close(caller, conv);
          } else {
            conversations.acknowledge(caller, conv);
          }
          return ok(id, new JsonObject());
        };
      }
      if ("userprofile.SetUserProfile".equals(type)) {
        checkProfile(req, id);
        return () -> ok(id, new JsonObject().put("msg", "OK User Profile set successfully"));
      }
      if ("ms.GenerateURLForUploadFile".equals(type) || "ms.GenerateURLForDownloadFile".equals(type)) {
        throw new Refused(400, id, type + " (file sharing) is not offered by the sandbox");
      }
      throw new Refused(400, id, "type must be ms.PublishEvent, cm.UpdateConversationField or userprofile.SetUserProfile, got "
          + describeType(req));
    });
  }

  interface Reader {
    /** Reads the request (on the event loop) into the work to do (on a worker), which returns the response body. */
    java.util.concurrent.Callable<String> read(Conversations.Caller caller, Object body);
  }

  private void handle(RoutingContext ctx, String kind, Reader reader) {
    String v = Requests.single(Requests.query(ctx), "v");
    if (v != null && !v.equals("3")) {
      refuse(ctx, kind, new Refused(400, null, "v=" + SentinelEndpoint.printable(v) + " is not offered; the sandbox speaks v=3"));
      return;
    }
    String raw = ctx.request().uri();
    int q = raw.indexOf('?');
    Verification verdict = access.check(q < 0 ? raw : raw.substring(0, q), ctx.request().headers()::getAll);
    if (verdict instanceof Rejection no) {
      count(kind, "unauthorized");
      ctx.response().putHeader("Content-Type", Responses.JSON).setStatusCode(no.httpStatus()).end(no.toJson());
      return;
    }
    Identity id = (Identity) verdict;
    ctx.put(HttpMetrics.CLIENT_ID, id.clientId());
    Conversations.Caller caller = new Conversations.Caller(new AccountId(id.accountId()), new ClientId(id.clientId()), id.lpConsumerId());
    java.util.concurrent.Callable<String> work;
    try {
      work = reader.read(caller, body(ctx));
    } catch (Refused r) {
      refuse(ctx, kind, r);
      return;
    } catch (IllegalArgumentException e) {
      refuse(ctx, kind, new Refused(400, null, e.getMessage()));
      return;
    }
    vertx.executeBlocking(() -> {
      SandboxSettings s = settings.of(caller.account());
      if (s.sendErrorShare() > 0 && (s.sendErrorShare() >= 1 || ThreadLocalRandom.current().nextDouble() < s.sendErrorShare())) {
        throw new Refused(s.sendErrorStatus(), null, "injected by the sandbox's fault injection (send_error_share " + s.sendErrorShare() + ")");
      }
      return work.call();
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        count(kind, "ok");
        ctx.response().putHeader("Content-Type", Responses.JSON).setStatusCode(200).end(ar.result());
      } else if (ar.cause() instanceof Refused r) {
        refuse(ctx, kind, r);
      } else if (ar.cause() instanceof SandboxRefused r && r.notYourConversation()) {
        count(kind, "unauthorized");
        Rejection no = new Rejection(ErrorCode.INVALID_CONSUMER_JWS, r.getMessage());
        ctx.response().putHeader("Content-Type", Responses.JSON).setStatusCode(401).end(no.toJson());
      } else if (ar.cause() instanceof SandboxRefused r) {
        refuse(ctx, kind, new Refused(r.status(), null, r.getMessage()));
      } else {
        count(kind, "error");
        ctx.fail(ar.cause());
      }
    });
  }

  private void refuse(RoutingContext ctx, String kind, Refused r) {
    count(kind, r.status == 429 ? "throttled" : r.status >= 500 ? "error" : "refused");
    String title = switch (r.status) {
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Bad Request";
    };
    var resp = ctx.response().putHeader("Content-Type", Responses.JSON).setStatusCode(r.status);
    if (r.status == 429 || r.status == 503) {
      resp.putHeader("Retry-After", "1");
    }
    resp.end(Rejection.errorBody(r.status, r.reqId, title, r.getMessage(), 0));
  }

  private void count(String kind, String outcome) {
    Counter.builder("gatehouse.sandbox.requests").tag("type", kind).tag("outcome", outcome)
        .description("Send API sandbox requests").register(metrics).increment();
  }

  private static Object body(RoutingContext ctx) {
    if (Requests.body(ctx).length() == 0) {
      throw new Refused(400, null, "the request body is empty; a JSON body is required");
    }
    String media = Requests.mediaType(ctx);
    if (media != null && !Requests.isJson(media)) {
      throw new Refused(400, null, "Content-Type must be application/json, got " + SentinelEndpoint.printable(media));
    }
    try {
      return io.vertx.core.json.Json.decodeValue(Requests.text(ctx));
    } catch (DecodeException e) {
      throw new Refused(400, null, "the request body is not valid JSON");
    } catch (ApiException e) {
      throw new Refused(400, null, e.error.description());
    }
  }

  private static List<JsonObject> requestArray(Object body) {
    if (!(body instanceof JsonArray a)) {
      throw new Refused(400, null, "the body must be a JSON array: userprofile.SetUserProfile, then cm.ConsumerRequestConversation");
    }
    if (a.size() < 2 || a.size() > 10) {
      throw new Refused(400, null, "the array must hold userprofile.SetUserProfile then cm.ConsumerRequestConversation; it has " + a.size() + " item(s)");
    }
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof JsonObject o)) {
        throw new Refused(400, null, "item " + i + " of the array is not a request object");
      }
      out.add(o);
    }
    return out;
  }

  /** The request's id as the string {@code reqId} echoes: a string as given, a whole number in decimal. */
  private static String reqId(JsonObject req, int index) {
    Object kind = req.getValue("kind");
    Object id = req.getValue("id");
    String where = index < 0 ? "the request" : "request " + index;
    String reqId = id instanceof String s ? Requests.scalarValues("id", s)
        : id instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && !(id instanceof Double d && d.isInfinite()) ? String.valueOf(n.longValue())
        : null;
    if (reqId == null) {
      throw new Refused(400, null, where + " needs an id, a string or a whole number");
    }
    if (reqId.length() > 128) {
      throw new Refused(400, null, where + " has an id longer than 128 characters");
    }
    if (kind != null && !"req".equals(kind)) {
      throw new Refused(400, reqId, where + " must have kind \"req\"");
    }
    return reqId;
  }

  private static String describeType(JsonObject req) {
    Object t = req.getValue("type");
    return t instanceof String s ? "'" + SentinelEndpoint.printable(s) + "'" : "no type";
  }

  private static JsonObject object(JsonObject o, String field, String reqId, String name) {
    Object v = o.getValue(field);
    if (!(v instanceof JsonObject j)) {
      throw new Refused(400, reqId, name + (v == null ? " is missing" : " must be an object, got " + Requests.jsonType(v)));
    }
    return j;
  }

  private static String string(JsonObject o, String field, String reqId, String name) {
    Object v = o.getValue(field);
    if (!(v instanceof String s) || s.isEmpty()) {
      throw new Refused(400, reqId, name + (v == null ? " is missing" : " must be a non-empty string"));
    }
    if (s.length() > 64) {
      throw new Refused(400, reqId, name + " is longer than 64 characters");
    }
    return Requests.scalarValues(name, s);
  }

  private static void checkProfile(JsonObject profile, String reqId) {
    Object body = profile.getValue("body");
    if (!(body instanceof JsonObject b)) {
      throw new Refused(400, reqId, "userprofile.SetUserProfile needs a body object (it may be {})");
    }
    Object auth = b.getValue("authenticatedData");
    if (auth == null) {
      return;
    }
    if (!(auth instanceof JsonObject a)) {
      throw new Refused(400, reqId, "body.authenticatedData must be an object");
    }
    Object sdes = a.getValue("lp_sdes");
    if (sdes == null) {
      return;
    }
    if (!(sdes instanceof JsonArray list)) {
      throw new Refused(400, reqId, "body.authenticatedData.lp_sdes must be an array");
    }
    for (Object o : list) {
      if (!(o instanceof JsonObject e) || !("ctmrinfo".equals(e.getValue("type")) || "personal".equals(e.getValue("type")))) {
        throw new Refused(400, reqId, "every body.authenticatedData.lp_sdes entry needs type \"ctmrinfo\" or \"personal\"");
      }
    }
  }

  private static Conversations.OpenRequest openRequest(AccountId account, JsonObject request, String reqId) {
    if (request == null) {
      throw new Refused(400, null, "cm.ConsumerRequestConversation is missing after userprofile.SetUserProfile");
    }
    JsonObject b = object(request, "body", reqId, "body");
    Object brand = b.getValue("brandId");
    if (brand == null) {
      throw new Refused(400, reqId, "body.brandId is missing; it must be the account id " + account);
    }
    if (!account.value().equals(brand instanceof Number n ? String.valueOf(n.longValue()) : brand)) {
      throw new Refused(400, reqId, "body.brandId must be the account id of the path, " + account);
    }
    Object channel = b.getValue("channelType");
    if (channel != null && !"MESSAGING".equals(channel)) {
      throw new Refused(400, reqId, "body.channelType must be \"MESSAGING\" when given");
    }
    Object skill = b.containsKey("skillId") ? b.getValue("skillId") : request.getValue("skillId");
    String skillId = skill == null ? null : skill instanceof Number n ? String.valueOf(n.longValue()) : skill instanceof String s ? s : null;
    if (skill != null && skillId == null) {
      throw new Refused(400, reqId, "skillId must be a string or a number");
    }
    Object ttr = b.getValue("ttrDefName");
    if (ttr != null && !(ttr instanceof String)) {
      throw new Refused(400, reqId, "body.ttrDefName must be a string or null");
    }
    for (String f : List.of("campaignInfo", "conversationContext")) {
      Object o = b.getValue(f);
      if (o != null && !(o instanceof JsonObject)) {
        throw new Refused(400, reqId, "body." + f + " must be an object when given");
      }
    }
    try {
      return new Conversations.OpenRequest(skillId, (String) ttr);
    } catch (IllegalArgumentException e) {
      throw new Refused(400, reqId, "body." + e.getMessage());
    }
  }

  /** body.dialogId, or body.conversationId; both given must agree. */
  private static String dialogId(JsonObject b, String reqId) {
    Object d = b.getValue("dialogId");
    Object c = b.getValue("conversationId");
    if (d == null && c == null) {
      throw new Refused(400, reqId, "body.dialogId (the conversationId) is missing");
    }
    String id = d != null ? string(b, "dialogId", reqId, "body.dialogId") : string(b, "conversationId", reqId, "body.conversationId");
    if (d != null && c != null && !id.equals(c)) {
      throw new Refused(400, reqId, "body.dialogId and body.conversationId name different conversations");
    }
    return id;
  }

  private static ConsumerEvent event(JsonObject e, String reqId) {
    Object type = e.getValue("type");
    try {
      if ("ContentEvent".equals(type)) {
        Object ct = e.getValue("contentType");
        String contentType = ct == null ? "text/plain" : ct instanceof String s && !s.isEmpty() && s.length() <= 64 ? s : null;
        if (contentType == null) {
          throw new Refused(400, reqId, "body.event.contentType must be a string of 1 to 64 characters, e.g. text/plain");
        }
        Object m = e.getValue("message");
        if (m instanceof String text) {
          if (text.isEmpty()) {
            throw new Refused(400, reqId, "body.event.message is empty");
          }
          Requests.scalarValues("body.event.message", text);
          return new ConsumerEvent.Content(contentType, JsonText.quote(text), text);
        }
        if (m instanceof JsonObject o) {
          return new ConsumerEvent.Content(contentType, JsonText.asciiOnly(o.encode()), null);
        }
        throw new Refused(400, reqId, "body.event.message must be a string (or an object for structured content)"
            + (m == null ? "; it is missing" : ", got " + Requests.jsonType(m)));
      }
      if ("ChatStateEvent".equals(type)) {
        Object s = e.getValue("chatState");
        if (!(s instanceof String state)) {
          throw new Refused(400, reqId, "body.event.chatState must be one of " + ConsumerEvent.ChatState.STATES);
        }
        return new ConsumerEvent.ChatState(state);
      }
      if ("AcceptStatusEvent".equals(type)) {
        Object s = e.getValue("status");
        Object list = e.getValue("sequenceList");
        if (!(s instanceof String status)) {
          throw new Refused(400, reqId, "body.event.status must be one of " + ConsumerEvent.AcceptStatus.STATUSES);
        }
        if (!(list instanceof JsonArray a)) {
          throw new Refused(400, reqId, "body.event.sequenceList must be an array of sequences");
        }
        List<Integer> seqs = new ArrayList<>();
        for (Object n : a) {
          if (!(n instanceof Number num) || num.doubleValue() != num.intValue()) {
            throw new Refused(400, reqId, "body.event.sequenceList must hold whole numbers only");
          }
          seqs.add(num.intValue());
        }
        return new ConsumerEvent.AcceptStatus(status, seqs);
      }
    } catch (IllegalArgumentException bad) {
      throw new Refused(400, reqId, "body.event." + bad.getMessage());
    }
    throw new Refused(400, reqId, "body.event.type must be ContentEvent, ChatStateEvent or AcceptStatusEvent, got "
        + (type instanceof String s ? "'" + SentinelEndpoint.printable(s) + "'" : "none"));
  }

  /** Whether a conversationField closes the conversation (an object or an array of them); other known fields change nothing. */
  private static boolean closes(Object field, String reqId) {
    List<Object> fields = field instanceof JsonArray a ? a.getList() : field == null ? List.of() : List.of(field);
    if (fields.isEmpty()) {
      throw new Refused(400, reqId, "body.conversationField is missing");
    }
    boolean close = false;
    for (Object f : fields) {
      JsonObject o = f instanceof JsonObject j ? j : f instanceof java.util.Map<?, ?> m ? new JsonObject(castMap(m)) : null;
      if (o == null) {
        throw new Refused(400, reqId, "body.conversationField must be an object or an array of objects");
      }
      Object name = o.getValue("field");
      if ("ConversationStateField".equals(name)) {
        if (!"CLOSE".equals(o.getValue("conversationState"))) {
          throw new Refused(400, reqId, "conversationState must be \"CLOSE\" (a consumer can only close a conversation)");
        }
        close = true;
      } else if ("DialogChange".equals(name)) {
        Object dialog = o.getValue("dialog");
        if (!(dialog instanceof JsonObject d) || !"CLOSE".equals(d.getValue("state"))) {
          throw new Refused(400, reqId, "a DialogChange must carry dialog.state \"CLOSE\"");
        }
        close = true; // the sandbox has no survey dialog: closing the main dialog closes the conversation
      } else if (!"CSATRate".equals(name)) {
        throw new Refused(400, reqId, "conversationField.field must be ConversationStateField, DialogChange or CSATRate, got "
            + (name instanceof String s ? "'" + SentinelEndpoint.printable(s) + "'" : "none"));
      }
    }
    return close;
  }

  @SuppressWarnings("unchecked")
  private static java.util.Map<String, Object> castMap(java.util.Map<?, ?> m) {
    return (java.util.Map<String, Object>) m;
  }

  private static String ok(String reqId, JsonObject body) {
    return new JsonObject().put("reqId", reqId).put("code", "OK").put("body", body).encode();
  }
}
