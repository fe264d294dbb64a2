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
    return errorBody(401, null, error.title(), details, error.code());
  }

  /**
   * The Send API's error body, {@code .ReqBody$ErrorResp}: {@code {"kind":"resp","reqId":..,"code":..,
   * "body":{"title":..,"details":..,"errorCode":..},"type":".ReqBody$ErrorResp"}}, the request id
   * only when known ({@code null}: left out) and the errorCode only for the documented 4000x/4010x
   * ({@code 0}: left out). The one writer of that shape, for the 401s here and the sandbox's other
   * refusals alike.
   */
  public static String errorBody(int status, String reqId, String title, String details, int errorCode) {
    StringBuilder b = new StringBuilder(128).append("{\"kind\":\"resp\",");
    if (reqId != null) {
      JsonText.quote(b.append("\"reqId\":"), reqId).append(',');
    }
    JsonText.quote(b.append("\"code\":").append(status).append(",\"body\":{\"title\":"), title);
    JsonText.quote(b.append(",\"details\":"), details);
    if (errorCode != 0) {
      b.append(",\"errorCode\":").append(errorCode);
    }
    return b.append("},\"type\":\".ReqBody$ErrorResp\"}").toString();
  }
}
