package dev.gatehouse.sandbox;

/**
 * How the sandbox behaves for one account: what the scripted agent does, and which faults are
 * injected for connector tests (all off by default). Shares are fractions of 0 to 1 of the
 * deliveries or SEND calls they apply to, drawn independently per call. The rules of what is valid
 * are here, whoever sets them.
 *
 * @param agent what the scripted agent does
 * @param webhookDelayMs how long a delayed delivery waits before it is sent
 * @param webhookDelayShare the share of deliveries delayed by {@code webhookDelayMs}
 * @param webhookFailShare the share of delivery attempts failed without sending (they are retried as a real failure would be)
 * @param webhookDuplicateShare the share of deliveries sent twice
 * @param webhookReorderShare the share of deliveries held back a few seconds, so later ones overtake them
 * @param sendErrorShare the share of SEND and CONVERSATION calls answered with {@code sendErrorStatus} instead
 * @param sendErrorStatus 429, 500, 502, 503 or 504
 */
public record SandboxSettings(
    Agent agent,
    int webhookDelayMs,
    double webhookDelayShare,
    double webhookFailShare,
    double webhookDuplicateShare,
    double webhookReorderShare,
    double sendErrorShare,
    int sendErrorStatus) {

  /** The scripted agent's behaviour. */
  public enum Agent {
    /** Accepts each conversation; marks each consumer message read, shows typing, answers with an echo; closes on "#close". */
    ECHO,
    /** Accepts each conversation and marks each consumer message read, nothing more. */
    ACCEPT,
    /** No scripted agent: conversations wait for agent messages sent through the admin API. */
    NONE
  }

  public static final SandboxSettings DEFAULT = new SandboxSettings(Agent.ECHO, 0, 0, 0, 0, 0, 0, 503);
  public static final int MAX_DELAY_MS = 60_000;

  public SandboxSettings {
    if (agent == null) {
      throw new IllegalArgumentException("agent must be one of echo, accept, none");
    }
    if (webhookDelayMs < 0 || webhookDelayMs > MAX_DELAY_MS) {
      throw new IllegalArgumentException("webhook_delay_ms must be 0 to " + MAX_DELAY_MS + ", got " + webhookDelayMs);
    }
    share("webhook_delay_share", webhookDelayShare);
    share("webhook_fail_share", webhookFailShare);
    share("webhook_duplicate_share", webhookDuplicateShare);
    share("webhook_reorder_share", webhookReorderShare);
    share("send_error_share", sendErrorShare);
    if (sendErrorStatus != 429 && sendErrorStatus != 500 && sendErrorStatus != 502 && sendErrorStatus != 503 && sendErrorStatus != 504) {
      throw new IllegalArgumentException("send_error_status must be 429, 500, 502, 503 or 504, got " + sendErrorStatus);
    }
  }

  private static void share(String name, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be a share from 0 to 1, got " + v);
    }
  }
}
