package io.leadflow.registry.client;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds a registry client from Confluent's config names: {@code schema.registry.url} (comma-separated),
 * {@code basic.auth.credentials.source=USER_INFO} with {@code basic.auth.user.info}. A {@code mock://<scope>}
 * URL gives an in-memory registry shared by everything configured with the same scope, as Confluent's
 * serdes do, for TopologyTestDriver tests.
 */
public final class SchemaRegistryClients {
    public static final String URL = "schema.registry.url";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    private static final String MOCK = "mock://";
    private static final Map<String, InMemorySchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private SchemaRegistryClients() {
    }

    public static SchemaRegistryClient fromConfig(Map<String, ?> config) {
        List<String> urls = urls(config.get(URL));
        if (urls.size() == 1 && urls.get(0).startsWith(MOCK)) {
            return SCOPES.computeIfAbsent(urls.get(0).substring(MOCK.length()), s -> new InMemorySchemaRegistryClient());
        }
        Object source = config.get(CREDENTIALS_SOURCE);
        Object userInfo = config.get(USER_INFO);
        if (source != null && !"USER_INFO".equals(source.toString())) {
            throw new IllegalArgumentException(CREDENTIALS_SOURCE + "=" + source + " is not supported; use USER_INFO");
        }
        Object timeout = config.get(REQUEST_TIMEOUT_MS);
        return new RestSchemaRegistryClient(urls, userInfo == null ? null : userInfo.toString(),
                Duration.ofMillis(timeout == null ? 10_000 : Long.parseLong(timeout.toString())));
    }

    /** Forgets an in-memory scope, so the next test starts with an empty registry. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    private static List<String> urls(Object value) {
        if (value == null) {
            throw new IllegalArgumentException(URL + " is required");
        }
        if (value instanceof Collection<?> list) {
            return list.stream().map(Object::toString).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        return Arrays.stream(value.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
