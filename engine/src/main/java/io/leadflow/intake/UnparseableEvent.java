package io.leadflow.intake;

/** A raw vendor event that cannot be turned into canonical events; its message is the dead-letter reason. */
public class UnparseableEvent extends RuntimeException {
    public UnparseableEvent(String reason) {
        super(reason);
    }

    public UnparseableEvent(String reason, Throwable cause) {
        super(reason, cause);
    }
}
