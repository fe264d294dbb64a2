package dev.gatehouse.sandbox;

/**
 * A Send API request the sandbox refuses, with the HTTP status it answers: 400 for a request that
 * cannot apply (unknown or closed conversation, bad sequence), 401 with errorCode 40103 for a
 * consumer acting on a conversation that is not its own (as the vendor documents it).
 */
public final class SandboxRefused extends RuntimeException {
  private final int status;
  private final boolean notYours;

  private SandboxRefused(int status, boolean notYours, String message) {
    super(message, null, false, false);
    this.status = status;
    this.notYours = notYours;
  }

  static SandboxRefused badRequest(String message) {
    return new SandboxRefused(400, false, message);
  }

  static SandboxRefused notYours() {
    return new SandboxRefused(401, true, "this ConsumerJWS's consumer is not a participant of that conversation");
  }

  public int status() {
    return status;
  }

  /** Whether this is the 40103 refusal: the conversation belongs to another consumer, app or account. */
  public boolean notYourConversation() {
    return notYours;
  }
}
