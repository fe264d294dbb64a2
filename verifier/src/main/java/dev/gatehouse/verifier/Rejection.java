package dev.gatehouse.verifier;

/**
 * A refused request: the Send API error code and a {@code details} text that names what was
 * wrong (never a token). {@link #toJson()} renders the exact 401 body clients expect:
 *
 * <pre>{"kind":"resp","code":401,"body":{"title":"Invalid AppJWT","details":"...","errorCode":40102},"type":".ReqBody$ErrorResp"}</pre>
 */
public record Rejection(ErrorCode error, String details) implements Verification {
  /** Always 401: every authorization failure of the Send API is. */
  public int httpStatus() {
    return 401;
  }

  public int errorCode() {
    return error.code();
  }

  public String title() {
    return error.title();
  }

  public String toJson() {
    return "{\"kind\":\"resp\",\"code\":401,\"body\":{\"title\":" + JsonText.quote(error.title()) + ",\"details\":"
        + JsonText.quote(details) + ",\"errorCode\":" + error.code() + "},\"type\":\".ReqBody$ErrorResp\"}";
  }
}
