package io.leadflow.http;

/**
 * A request the API refuses, with the HTTP status and a stable machine-readable code
 * (e.g. 401 {@code invalid_signature}). Rendered as {@link ApiError} JSON.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
