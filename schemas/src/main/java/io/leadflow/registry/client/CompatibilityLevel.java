package io.leadflow.registry.client;

/** The Schema Registry's compatibility levels, with Confluent's names. */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    public boolean transitive() {
        return name().endsWith("_TRANSITIVE");
    }

    /** New schema must read data written with the old one. */
    public boolean checksBackward() {
        return this != NONE && this != FORWARD && this != FORWARD_TRANSITIVE;
    }

    /** Old schema must read data written with the new one. */
    public boolean checksForward() {
        return this != NONE && this != BACKWARD && this != BACKWARD_TRANSITIVE;
    }
}
