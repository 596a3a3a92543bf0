package io.leadflow.testing;

import io.leadflow.http.ApiException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Asserts that a request was refused with the given HTTP status and error code. */
public final class Refusals {
    private Refusals() {
    }

    public static void assertRefused(ThrowingCallable call, int status, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
            assertThat(e.code()).isEqualTo(code);
        });
    }
}
