package io.leadflow.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Jetty answers some requests itself, before any route sees them: a URI it will not parse ({@code %00}, an ambiguous
 * {@code ..}), a malformed header. Its default answer is an HTML page; this one is the same {@link ApiError} JSON every
 * other refusal is, so a vendor's log (or a client) can always read what was wrong. Found by the gateway fuzz test.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response, int code,
                                              String message) throws IOException {
        baseRequest.setHandled(true);
        response.setContentType("application/json");
        response.getOutputStream().write(body(code, message));
    }

    private static byte[] body(int status, String reason) {
        String name = HttpStatus.getMessage(status);
        String code = name == null ? "http_" + status : name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        try {
            return JSON.writeValueAsBytes(new ApiError(code, reason == null || reason.isBlank() ? name : reason, null));
        } catch (JsonProcessingException e) {
            return ("{\"error\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
