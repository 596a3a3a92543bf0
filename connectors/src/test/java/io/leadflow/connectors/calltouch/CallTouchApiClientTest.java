package io.leadflow.connectors.calltouch;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.testing.FakeCallTouchApi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallTouchApiClientTest {
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private final FakeCallTouchApi server = new FakeCallTouchApi();

    @AfterEach
    void stop() {
        server.close();
    }

    private CallTouchApiClient client(int pageSize, int attempts) {
        return new CallTouchApiClient(server.settings(pageSize, Duration.ofHours(6)),
                new VendorApi("test", 1000, attempts, Duration.ofMillis(10)));
    }

    @Test
    void theDiaryIsReadPageByPageWithDayFirstDates() throws Exception {
        for (int i = 1; i <= 5; i++) {
            server.addCall(i, "7916000000" + i, Instant.parse("2024-05-21T11:00:00Z"), MOSCOW);
        }

        List<JsonNode> calls = client(2, 1).calls(LocalDate.of(2024, 5, 20), LocalDate.of(2024, 5, 21));

        assertThat(calls).extracting(c -> c.get("callId").asInt()).containsExactly(1, 2, 3, 4, 5);
        assertThat(server.log).hasSize(3).allSatisfy(q -> assertThat(q)
                .contains("/calls-service/RestAPI/12345/calls-diary/calls?dateFrom=20%2F05%2F2024&dateTo=21%2F05%2F2024")
                .contains("&limit=2").contains("clientApiId=api-token"));
        assertThat(server.log.get(2)).contains("&page=3&");
    }

    @Test
    void requestsUseMonthFirstDates() throws Exception {
        server.addRequest(77, "+7 (916) 123-45-67", Instant.parse("2024-05-21T11:00:00Z"));

        List<JsonNode> requests = client(500, 1).requests(LocalDate.of(2024, 5, 20), LocalDate.of(2024, 5, 21));

        assertThat(requests).extracting(r -> r.get("requestId").asInt()).containsExactly(77);
        assertThat(server.log.get(0)).contains("siteId=12345&dateFrom=05%2F20%2F2024&dateTo=05%2F21%2F2024");
    }

    @Test
    void anUnavailableApiIsRetriedWithBackoffAndAWrongTokenIsNot() throws Exception {
        server.addCall(1, "79161234567", Instant.parse("2024-05-21T11:00:00Z"), MOSCOW);
        server.failNext(2);
        assertThat(client(500, 3).calls(LocalDate.of(2024, 5, 21), LocalDate.of(2024, 5, 21))).hasSize(1);
        assertThat(server.log).hasSize(3);

        server.failNext(5);
        assertThatThrownBy(() -> client(500, 3).calls(LocalDate.of(2024, 5, 21), LocalDate.of(2024, 5, 21)))
                .isInstanceOf(VendorApiException.class).hasMessageContaining("failed 3 times").hasMessageContaining("503");

        server.log.clear();
        server.failNext(0);
        var wrongToken = new CallTouchApiClient(new io.leadflow.config.TenantConfig.CallTouchApi(FakeCallTouchApi.SITE_ID, "nope",
                server.settings(500, Duration.ofHours(1)).baseUrl(), null, null, null, 1000.0), new VendorApi("test", 1000, 3, Duration.ofMillis(10)));
        assertThatThrownBy(() -> wrongToken.calls(LocalDate.of(2024, 5, 21), LocalDate.of(2024, 5, 21)))
                .isInstanceOf(VendorApiException.class).hasMessageContaining("401").hasMessageNotContaining("nope");
        assertThat(server.log).hasSize(1);
    }
}
