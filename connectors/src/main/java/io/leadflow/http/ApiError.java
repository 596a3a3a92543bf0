package io.leadflow.http;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The JSON body of every error answer: {@code {"error": "...", "message": "...", "requestId": "..."}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String message, String requestId) {
}
