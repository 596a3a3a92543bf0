package io.leadflow.connectors.gateway;

import io.leadflow.http.ApiException;

import java.nio.charset.StandardCharsets;

/** Query-string and form parameters of a vendor request, the form taking precedence. */
public final class RequestParams {
    private final FormBody query;
    private final FormBody form;

    private RequestParams(FormBody query, FormBody form) {
        this.query = query;
        this.form = form;
    }

    /** The body counts as a form only when the request says it is one. */
    public static RequestParams of(InboundRequest request) {
        FormBody query = FormBody.parse(request.query() == null ? new byte[0] : request.query().getBytes(StandardCharsets.UTF_8));
        FormBody form = request.hasMediaType("application/x-www-form-urlencoded") ? FormBody.parse(request.body()) : FormBody.parse(new byte[0]);
        return new RequestParams(query, form);
    }

    public String optional(String name) {
        String value = form.optional(name);
        return value != null ? value : query.optional(name);
    }

    /** A parameter of the URL only: secrets configured into the webhook URL cannot be overridden by the body. */
    public String fromQuery(String name) {
        return query.optional(name);
    }

    public String required(String name) {
        String value = optional(name);
        if (value == null || value.isBlank()) {
            throw new ApiException(400, "missing_field", "Parameter '" + name + "' is required");
        }
        return value;
    }

    public FormBody form() {
        return form;
    }
}
