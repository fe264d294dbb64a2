package dev.gatehouse.limits;

import java.time.Instant;
import java.util.List;

/**
 * Failure counts and lockouts kept where every node sees them (the shared database), so that the
 * limits hold for the service and not per node. Implementations are thread-safe and may block.
 */
public interface SharedFailures {
  /**
   * Counts one failure of (door, subject, address) across all nodes, in a window of {@code window}
   * that starts at the first failure; when the count reaches {@code failures}, locks the triple out
   * (for {@code firstLockout} doubling per lockout up to {@code maxLockout}) and starts counting again.
   *
   * @return the lockout this failure caused, or null
   */
  AuthFailureLimits.Lockout fail(AuthFailureLimits.Door door, String subject, String address, Instant now, AuthFailureLimits.Policy policy);

  /** The lockouts in force. */
  List<AuthFailureLimits.Lockout> active(Instant now);

  /** Lifts the matching lockouts (null matches anything). */
  void lift(AuthFailureLimits.Door door, String subject, String address);

  /** None: one node, its memory is the whole truth. */
  SharedFailures NONE = new SharedFailures() {
    @Override
    public AuthFailureLimits.Lockout fail(AuthFailureLimits.Door door, String subject, String address, Instant now, AuthFailureLimits.Policy policy) {
      return null;
    }

    @Override
    public List<AuthFailureLimits.Lockout> active(Instant now) {
      return List.of();
    }

    @Override
    public void lift(AuthFailureLimits.Door door, String subject, String address) {}
  };
}
