package io.leadflow.connectors.calltouch;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadflow.config.TenantConfig.CallTouchApi;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorApi.VendorApiException;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CallTouch's reporting API: the calls diary (paged: {@code page}, {@code limit}, answer
 * {@code {"page","pageTotal","records":[...]}}) and the form requests (a bare array). The diary takes
 * {@code dd/MM/yyyy} dates, the requests API {@code MM/dd/yyyy}.
 */
public final class CallTouchApiClient {
    private static final DateTimeFormatter DAY_FIRST = DateTimeFormatter.ofPattern("dd/MM/yyyy", Locale.ROOT);
    private static final DateTimeFormatter MONTH_FIRST = DateTimeFormatter.ofPattern("MM/dd/yyyy", Locale.ROOT);
    /** Stop paging here even if the answer claims more: a broken pageTotal must not loop forever. */
    private static final int MAX_PAGES = 1_000;

    private final CallTouchApi api;
    private final VendorApi http;

    public CallTouchApiClient(CallTouchApi api, VendorApi http) {
        this.api = api;
        this.http = http;
    }

    /** Every call record of the days {@code from} to {@code to} (inclusive, the account's local dates). */
    public List<JsonNode> calls(LocalDate from, LocalDate to) throws VendorApiException, InterruptedException {
        List<JsonNode> records = new ArrayList<>();
        int pageTotal = 1;
        for (int page = 1; page <= pageTotal && page <= MAX_PAGES; page++) {
            String path = "/calls-service/RestAPI/" + enc(api.siteId()) + "/calls-diary/calls?dateFrom=" + enc(DAY_FIRST.format(from))
                    + "&dateTo=" + enc(DAY_FIRST.format(to)) + "&page=" + page + "&limit=" + api.pageSize();
            JsonNode answer = http.get(URI.create(api.baseUrl() + path + "&clientApiId=" + enc(api.clientApiId())), path);
            JsonNode pageRecords = answer.path("records");
            if (!pageRecords.isArray()) {
                throw new VendorApiException("CallTouch calls diary answered without a 'records' array: " + abbreviate(answer), true);
            }
            pageRecords.forEach(records::add);
            pageTotal = answer.path("pageTotal").asInt(1);
        }
        return records;
    }

    /** Every form request of the days {@code from} to {@code to}. */
    public List<JsonNode> requests(LocalDate from, LocalDate to) throws VendorApiException, InterruptedException {
        String path = "/calls-service/RestAPI/requests?siteId=" + enc(api.siteId()) + "&dateFrom=" + enc(MONTH_FIRST.format(from))
                + "&dateTo=" + enc(MONTH_FIRST.format(to));
        JsonNode answer = http.get(URI.create(api.baseUrl() + path + "&clientApiId=" + enc(api.clientApiId())), path);
        if (!answer.isArray()) {
            throw new VendorApiException("CallTouch requests API answered with something other than an array: " + abbreviate(answer), true);
        }
        List<JsonNode> records = new ArrayList<>();
        answer.forEach(records::add);
        return records;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
