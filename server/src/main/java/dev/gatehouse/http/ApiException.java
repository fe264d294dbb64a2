package dev.gatehouse.http;

/** Carries an {@link ApiError} out of request handling code; cheap (no stack trace). */
final class ApiException extends RuntimeException {
  final ApiError error;

  ApiException(ApiError error) {
    super(error.description(), null, false, false);
    this.error = error;
  }
}
