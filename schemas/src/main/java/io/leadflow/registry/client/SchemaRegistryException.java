package io.leadflow.registry.client;

/**
 * An error answered by a schema registry, with Confluent's error code (e.g. 40401) mapped to a
 * {@link Kind} that callers can act on.
 */
public class SchemaRegistryException extends RuntimeException {

    public enum Kind {
        SUBJECT_NOT_FOUND, VERSION_NOT_FOUND, SCHEMA_NOT_FOUND, INCOMPATIBLE, INVALID_SCHEMA, INVALID_VERSION,
        INVALID_COMPATIBILITY_LEVEL, UNAUTHORIZED, BACKEND, UNREACHABLE, UNKNOWN
    }

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(int httpStatus, int errorCode, String message) {
        super(message + " (HTTP " + httpStatus + ", error_code " + errorCode + ")");
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = 0;
        this.errorCode = 0;
    }

    /** An error raised by leadflow's own registry code, with the status Confluent would answer. */
    public static SchemaRegistryException of(int errorCode, String message) {
        int status = errorCode >= 1000 ? errorCode / 100 : errorCode;
        return new SchemaRegistryException(status, errorCode, message);
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    public Kind kind() {
        return switch (errorCode) {
            case 40401 -> Kind.SUBJECT_NOT_FOUND;
            case 40402 -> Kind.VERSION_NOT_FOUND;
            case 40403 -> Kind.SCHEMA_NOT_FOUND;
            case 409, 40901 -> Kind.INCOMPATIBLE;
            case 42201 -> Kind.INVALID_SCHEMA;
            case 42202 -> Kind.INVALID_VERSION;
            case 42203 -> Kind.INVALID_COMPATIBILITY_LEVEL;
            default -> {
                if (httpStatus == 401 || httpStatus == 403) {
                    yield Kind.UNAUTHORIZED;
                }
                if (httpStatus == 0) {
                    yield Kind.UNREACHABLE;
                }
                yield httpStatus >= 500 || errorCode >= 50000 ? Kind.BACKEND : Kind.UNKNOWN;
            }
        };
    }

    /** Confluent error codes used by leadflow's own registry implementations. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    public static final int STORE_ERROR = 50001;
}
